using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace CortexHub.Grpc;

/// <summary>The response stream of a server-streaming or duplex call.</summary>
internal sealed class GrpcServerStreamWriter<T>(GrpcServerCall call) : IGrpcStreamWriter<T>
    where T : IMessage
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        if (!cancellationToken.CanBeCanceled || cancellationToken == call.CancellationToken)
        {
            await call.WriteMessageAsync(message, flush: true, call.CancellationToken).ConfigureAwait(false);
            return;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(call.CancellationToken, cancellationToken);
        await call.WriteMessageAsync(message, flush: true, linked.Token).ConfigureAwait(false);
    }
}
