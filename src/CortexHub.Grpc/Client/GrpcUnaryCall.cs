using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace CortexHub.Grpc;

/// <summary>
/// A unary call in flight. Await it (or <see cref="ResponseAsync"/>) for the response; a non-OK status
/// throws <see cref="GrpcStatusException"/>. Dispose to cancel it early.
/// </summary>
/// <typeparam name="TResponse">The response message type.</typeparam>
public sealed class GrpcUnaryCall<TResponse> : GrpcCall
    where TResponse : class, IMessage<TResponse>
{
    internal GrpcUnaryCall(IGrpcClientCallState call, Task<TResponse> responseAsync)
        : base(call)
    {
        ResponseAsync = responseAsync;
    }

    /// <summary>The response message.</summary>
    public Task<TResponse> ResponseAsync { get; }

    /// <summary>Awaits <see cref="ResponseAsync"/>.</summary>
    public TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();
}
