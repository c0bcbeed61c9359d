using Google.Protobuf;

namespace CortexHub.Grpc;

/// <summary>
/// A server-streaming call in flight: read <see cref="ResponseStream"/> until it ends; a non-OK status
/// is thrown by its <c>MoveNext</c>. Dispose when done (cancels the call if it is still running).
/// </summary>
/// <typeparam name="TResponse">The response message type.</typeparam>
public sealed class GrpcServerStreamingCall<TResponse> : GrpcCall
    where TResponse : class, IMessage<TResponse>
{
    internal GrpcServerStreamingCall(IGrpcClientCallState call, IGrpcStreamReader<TResponse> responseStream)
        : base(call)
    {
        ResponseStream = responseStream;
    }

    /// <summary>The response messages.</summary>
    public IGrpcStreamReader<TResponse> ResponseStream { get; }
}
