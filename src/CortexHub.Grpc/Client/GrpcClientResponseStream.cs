using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace CortexHub.Grpc;

/// <summary>The response stream of a server-streaming or duplex call.</summary>
internal sealed class GrpcClientResponseStream<TRequest, TResponse>(GrpcClientCall<TRequest, TResponse> call) : IGrpcStreamReader<TResponse>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private TResponse? _current;

    public TResponse Current => _current ?? throw new InvalidOperationException("No current message: call MoveNext first and check that it returned true.");

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> MoveNext(CancellationToken cancellationToken = default)
    {
        _current = await call.ReadMessageAsync(cancellationToken).ConfigureAwait(false);
        return _current is not null;
    }
}
