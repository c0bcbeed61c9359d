using Google.Protobuf;

namespace CortexHub.Grpc;

/// <summary>
/// A stream of outgoing messages. Each write is flushed; the returned task completes when the
/// transport has taken the message (HTTP/2 flow control), which is the backpressure: await each write
/// before the next. One write at a time.
/// </summary>
/// <typeparam name="T">The message type.</typeparam>
public interface IGrpcStreamWriter<in T>
    where T : IMessage
{
    /// <summary>Writes and flushes one message.</summary>
    ValueTask WriteAsync(T message, CancellationToken cancellationToken = default);
}
