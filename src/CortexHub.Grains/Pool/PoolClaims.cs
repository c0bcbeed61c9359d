using CortexHub.Grains.Storage;

namespace CortexHub.Grains.Pool;

/// <summary>
/// Group commit of claims on this silo: the claims of every node served at once (the dispatcher
/// claims for many nodes in parallel) that arrive while a claim transaction is in flight go out
/// together in the next one (<see cref="IPoolStore.PoolClaimManyAsync"/>), one statement per node
/// in arrival order, one commit and, on PostgreSQL, one round trip. Each caller gets its own items,
/// exactly as if it had claimed alone; claims of one transaction never take the same item.
/// </summary>
public sealed class PoolClaims : IAsyncDisposable
{
    private readonly IPoolStore _store;
    private readonly TimeProvider _time;
    private readonly GroupCommitQueue<PendingClaim> _queue;

    public PoolClaims(IPoolStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
        _queue = new GroupCommitQueue<PendingClaim>(WriteAsync);
    }

    /// <summary>Claims up to <paramref name="limit"/> items of <paramref name="owner"/> that the node's labels match, best first.</summary>
    public async Task<IReadOnlyList<PoolItem>> ClaimAsync(string nodeId, string owner, IReadOnlyDictionary<string, string> labels, int limit)
    {
        var pending = new PendingClaim(new PoolClaimRequest(nodeId, owner, labels, limit));
        await _queue.CommitAsync(pending, CancellationToken.None);
        return pending.Result;
    }

    private async Task WriteAsync(IReadOnlyList<PendingClaim> batch)
    {
        var results = await _store.PoolClaimManyAsync([.. batch.Select(p => p.Request)], _time.GetUtcNow());
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Result = results[i];
        }
    }

    public ValueTask DisposeAsync() => _queue.DisposeAsync();

    private sealed class PendingClaim(PoolClaimRequest request) : IGroupCommitItem
    {
        public PoolClaimRequest Request { get; } = request;

        /// <summary>Set by the writer before <see cref="Committed"/> completes.</summary>
        public IReadOnlyList<PoolItem> Result { get; set; } = [];

        public int Rows => 1;

        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
