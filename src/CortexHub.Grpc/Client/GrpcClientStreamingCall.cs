using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace CortexHub.Grpc;

/// <summary>
/// A client-streaming call in flight: write to <see cref="RequestStream"/>, complete it, then await
/// <see cref="ResponseAsync"/>. Dispose when done.
/// </summary>
/// <typeparam name="TRequest">The request message type.</typeparam>
/// <typeparam name="TResponse">The response message type.</typeparam>
public sealed class GrpcClientStreamingCall<TRequest, TResponse> : GrpcCall
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    internal GrpcClientStreamingCall(IGrpcClientCallState call, IGrpcClientStreamWriter<TRequest> requestStream, Task<TResponse> responseAsync)
        : base(call)
    {
        RequestStream = requestStream;
        ResponseAsync = responseAsync;
    }

    /// <summary>The request messages; call <see cref="IGrpcClientStreamWriter{T}.CompleteAsync"/> after the last.</summary>
    public IGrpcClientStreamWriter<TRequest> RequestStream { get; }

    /// <summary>The response message.</summary>
    public Task<TResponse> ResponseAsync { get; }

    /// <summary>Awaits <see cref="ResponseAsync"/>.</summary>
    public TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();
}
