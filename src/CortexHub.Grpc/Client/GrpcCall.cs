namespace CortexHub.Grpc;

/// <summary>What every client call exposes besides its messages: response headers, final status, trailers, cancellation.</summary>
public abstract class GrpcCall : IDisposable
{
    private readonly IGrpcClientCallState _call;

    private protected GrpcCall(IGrpcClientCallState call) => _call = call;

    /// <summary>The response headers (metadata sent before the first message).</summary>
    public Task<GrpcMetadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    /// <summary>The call's status; throws <see cref="InvalidOperationException"/> before the call completed.</summary>
    public GrpcStatus GetStatus() => _call.GetStatus();

    /// <summary>The trailers the server sent; throws <see cref="InvalidOperationException"/> before the call completed.</summary>
    public GrpcMetadata GetTrailers() => _call.GetTrailers();

    /// <summary>Cancels the call if it is still running and releases its resources.</summary>
    public void Dispose()
    {
        _call.Dispose();
        GC.SuppressFinalize(this);
    }
}
