using Google.Protobuf;

namespace CortexHub.Grpc;

/// <summary>The request stream of a call that ended before it was sent (deadline already past, cancelled).</summary>
internal sealed class GrpcFailedRequestStream<T>(IGrpcRequestStreamOwner owner) : IGrpcClientStreamWriter<T>
    where T : IMessage
{
    public ValueTask WriteAsync(T message, CancellationToken cancellationToken = default) =>
        ValueTask.FromException(owner.GetCompletedCallException() ?? new InvalidOperationException("The call did not start."));

    public Task CompleteAsync() => Task.CompletedTask;
}
