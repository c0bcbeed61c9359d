using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace CortexHub.Grpc;

/// <summary>
/// A unary call in flight. Await it (or <see cref="ResponseAsync"/>) for the response; a non-OK status
/// throws <see cref="GrpcStatusException"/>. Dispose to cancel it early.
/// </summary>
/// <typeparam name="TResponse">The response message type.</typeparam>
public sealed class GrpcUnaryCall<TResponse> : IDisposable
    where TResponse : class, IMessage<TResponse>
{
    private readonly IGrpcClientCallState _call;

    internal GrpcUnaryCall(IGrpcClientCallState call, Task<TResponse> responseAsync)
    {
        _call = call;
        ResponseAsync = responseAsync;
    }

    /// <summary>The response message.</summary>
    public Task<TResponse> ResponseAsync { get; }

    /// <summary>The response headers (metadata sent before the message).</summary>
    public Task<GrpcMetadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    /// <summary>Awaits <see cref="ResponseAsync"/>.</summary>
    public TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();

    /// <summary>The call's status; throws <see cref="InvalidOperationException"/> before the call completed.</summary>
    public GrpcStatus GetStatus() => _call.GetStatus();

    /// <summary>The trailers the server sent; throws <see cref="InvalidOperationException"/> before the call completed.</summary>
    public GrpcMetadata GetTrailers() => _call.GetTrailers();

    /// <inheritdoc />
    public void Dispose() => _call.Dispose();
}
