using Google.Protobuf;

namespace CortexHub.Grpc;

/// <summary>The request stream of a client or duplex streaming call.</summary>
/// <typeparam name="T">The request message type.</typeparam>
public interface IGrpcClientStreamWriter<in T> : IGrpcStreamWriter<T>
    where T : IMessage
{
    /// <summary>Ends the request stream (half-close); the server sees the end of its request stream.</summary>
    Task CompleteAsync();
}
