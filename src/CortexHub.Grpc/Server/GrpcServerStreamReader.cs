using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace CortexHub.Grpc;

/// <summary>The request stream of a client-streaming or duplex call.</summary>
internal sealed class GrpcServerStreamReader<T>(GrpcServerCall call, MessageParser<T> parser) : IGrpcStreamReader<T>
    where T : class, IMessage<T>
{
    private T? _current;
    private bool _ended;

    public T Current => _current ?? throw new InvalidOperationException("No current message: call MoveNext first and check that it returned true.");

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> MoveNext(CancellationToken cancellationToken = default)
    {
        if (_ended)
        {
            return false;
        }

        T? message;
        if (!cancellationToken.CanBeCanceled || cancellationToken == call.CancellationToken)
        {
            message = await call.ReadMessageAsync(parser, call.CancellationToken).ConfigureAwait(false);
        }
        else
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(call.CancellationToken, cancellationToken);
            message = await call.ReadMessageAsync(parser, linked.Token).ConfigureAwait(false);
        }

        _current = message;
        _ended = message is null;
        return !_ended;
    }
}
