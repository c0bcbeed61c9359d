using Google.Protobuf;

namespace CortexHub.Grpc;

/// <summary>
/// A duplex call in flight: write to <see cref="RequestStream"/> and read <see cref="ResponseStream"/>
/// independently. A non-OK status is thrown by the response stream's <c>MoveNext</c>. Dispose when done.
/// </summary>
/// <typeparam name="TRequest">The request message type.</typeparam>
/// <typeparam name="TResponse">The response message type.</typeparam>
public sealed class GrpcDuplexStreamingCall<TRequest, TResponse> : GrpcCall
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    internal GrpcDuplexStreamingCall(IGrpcClientCallState call, IGrpcClientStreamWriter<TRequest> requestStream, IGrpcStreamReader<TResponse> responseStream)
        : base(call)
    {
        RequestStream = requestStream;
        ResponseStream = responseStream;
    }

    /// <summary>The request messages; call <see cref="IGrpcClientStreamWriter{T}.CompleteAsync"/> after the last.</summary>
    public IGrpcClientStreamWriter<TRequest> RequestStream { get; }

    /// <summary>The response messages.</summary>
    public IGrpcStreamReader<TResponse> ResponseStream { get; }
}
