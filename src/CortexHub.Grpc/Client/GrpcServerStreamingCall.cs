using Google.Protobuf;

namespace CortexHub.Grpc;

/// <summary>
/// A server-streaming call in flight: read <see cref="ResponseStream"/> until it ends; a non-OK status
/// is thrown by its <c>MoveNext</c>. Dispose when done (cancels the call if it is still running).
/// </summary>
/// <typeparam name="TResponse">The response message type.</typeparam>
public sealed class GrpcServerStreamingCall<TResponse> : IDisposable
    where TResponse : class, IMessage<TResponse>
{
    private readonly IGrpcClientCallState _call;

    internal GrpcServerStreamingCall(IGrpcClientCallState call, IGrpcStreamReader<TResponse> responseStream)
    {
        _call = call;
        ResponseStream = responseStream;
    }

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
