using Google.Protobuf;

namespace CortexHub.Grpc;

/// <summary>
/// A duplex call in flight: write to <see cref="RequestStream"/> and read <see cref="ResponseStream"/>
/// independently. A non-OK status is thrown by the response stream's <c>MoveNext</c>. Dispose when done.
/// </summary>
/// <typeparam name="TRequest">The request message type.</typeparam>
/// <typeparam name="TResponse">The response message type.</typeparam>
public sealed class GrpcDuplexStreamingCall<TRequest, TResponse> : IDisposable
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly IGrpcClientCallState _call;

    internal GrpcDuplexStreamingCall(IGrpcClientCallState call, IGrpcClientStreamWriter<TRequest> requestStream, IGrpcStreamReader<TResponse> responseStream)
    {
        _call = call;
        RequestStream = requestStream;
        ResponseStream = responseStream;
    }

    /// <summary>The request messages; call <see cref="IGrpcClientStreamWriter{T}.CompleteAsync"/> after the last.</summary>
    public IGrpcClientStreamWriter<TRequest> RequestStream { get; }

    /// <summary>The response messages.</summary>
    public IGrpcStreamReader<TResponse> ResponseStream { get; }

    /// <summary>The response headers.</summary>
    public Task<GrpcMetadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    /// <summary>The call's status; throws <see cref="InvalidOperationException"/> before the call completed.</summary>
    public GrpcStatus GetStatus() => _call.GetStatus();

    /// <summary>The trailers the server sent; throws <see cref="InvalidOperationException"/> before the call completed.</summary>
    public GrpcMetadata GetTrailers() => _call.GetTrailers();

    /// <inheritdoc />
    public void Dispose() => _call.Dispose();
}
