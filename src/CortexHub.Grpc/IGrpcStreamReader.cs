namespace CortexHub.Grpc;

/// <summary>
/// A stream of incoming messages: call <see cref="MoveNext"/> until it returns false, reading
/// <see cref="Current"/> after each true. Not safe for concurrent readers.
/// </summary>
/// <typeparam name="T">The message type.</typeparam>
public interface IGrpcStreamReader<out T>
{
    /// <summary>The message read by the last successful <see cref="MoveNext"/>.</summary>
    T Current { get; }

    /// <summary>
    /// Waits for the next message; false when the peer ended the stream. Throws
    /// <see cref="GrpcStatusException"/> when the stream breaks the protocol or the call fails.
    /// </summary>
    ValueTask<bool> MoveNext(CancellationToken cancellationToken = default);
}
