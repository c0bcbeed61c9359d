using CortexHub.Grains.Pool;

namespace CortexHub.Grains.Storage;

/// <summary>
/// The work pool's rows. Claims are one statement (SKIP LOCKED on PostgreSQL); every change to a
/// claimed item is conditional on its lease term, so two claimers can never both hold an item.
/// </summary>
public interface IPoolStore
{
    /// <summary>Inserts the item, or returns null when the submitter already used its idempotency key.</summary>
    Task<PoolItem?> PoolInsertAsync(PoolItem item, DateTimeOffset now, CancellationToken cancellationToken = default);

    Task<PoolItem?> PoolGetAsync(string itemId, CancellationToken cancellationToken = default);

    Task<PoolItem?> PoolGetByKeyAsync(string createdBy, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Claims up to <paramref name="limit"/> items of <paramref name="owner"/> (the node's owner) that the node's labels match, best first.</summary>
    Task<IReadOnlyList<PoolItem>> PoolClaimAsync(string nodeId, string owner, IReadOnlyDictionary<string, string> labels, int limit, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Several nodes' claims in one transaction (a group commit of claims), applied in list order as
    /// if one after another; one list of claimed items per request, best first.
    /// </summary>
    Task<IReadOnlyList<IReadOnlyList<PoolItem>>> PoolClaimManyAsync(IReadOnlyList<PoolClaimRequest> requests, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Records that these claims' tasks exist (from now on heartbeats renew their leases).</summary>
    Task PoolMarkDispatchedAsync(IReadOnlyCollection<PoolClaimRef> claims, IReadOnlyCollection<string> taskIds, CancellationToken cancellationToken = default);

    /// <summary>Renews the dispatched leases of these nodes (called with each heartbeat flush).</summary>
    Task<int> PoolExtendAsync(IReadOnlyCollection<string> nodeIds, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends many leases in one statement: success makes the item done; failure returns it to the pool
    /// after a backoff (base × 2^(attempt−1), capped), or dead-letters it when out of attempts. Each
    /// item appears at most once. Returns the items whose named term was current, as they are now;
    /// an outcome naming an ended lease changes nothing and has no row.
    /// </summary>
    Task<IReadOnlyList<PoolItem>> PoolFinishAsync(IReadOnlyList<PoolOutcome> outcomes, TimeSpan backoffBase, TimeSpan backoffMax, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Cancels an available or claimed item; null when it was in neither state.</summary>
    Task<PoolItem?> PoolCancelAsync(string itemId, string reason, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Makes a dead letter available again with fresh attempts; null when it is not dead.</summary>
    Task<PoolItem?> PoolRequeueAsync(string itemId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Deletes a finished item (dead, done or cancelled); false otherwise.</summary>
    Task<bool> PoolDeleteAsync(string itemId, CancellationToken cancellationToken = default);

    /// <summary>Items in submission order after <paramref name="afterSeq"/>, optionally of one state and submitter.</summary>
    Task<IReadOnlyList<PoolItem>> PoolListAsync(PoolItemState? state, string? createdBy, long afterSeq, int limit, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PoolItem>> PoolClaimedByAsync(string nodeId, CancellationToken cancellationToken = default);

    /// <summary>Claims past their lease, or whose node has not been seen since <paramref name="orphanCutoff"/>.</summary>
    Task<IReadOnlyList<PoolLapsedClaim>> PoolLapsedAsync(DateTimeOffset now, DateTimeOffset orphanCutoff, int limit, CancellationToken cancellationToken = default);

    /// <summary>Claims made before <paramref name="claimedBefore"/> that are still not marked dispatched.</summary>
    Task<IReadOnlyList<PoolLapsedClaim>> PoolUndispatchedAsync(DateTimeOffset claimedBefore, int limit, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PoolClaimedTask>> PoolStaleClaimsAsync(DateTimeOffset claimedBefore, int limit, CancellationToken cancellationToken = default);

    Task<int> PoolPurgeAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken = default);

    Task<PoolStats> PoolStatsAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}
