namespace CortexHub.Grains.Pool;

/// <summary>
/// One shard of the work pool (key: shard number). It owns the lifecycle of its items (submit
/// with idempotency, outcomes, cancel, requeue, delete) and announces their changes; claims span
/// all shards in one statement so priority order is global (see <see cref="PoolDispatcher"/>).
/// Every outcome names a lease term: a stale one changes nothing and returns null.
/// </summary>
public interface IPoolShardGrain : IGrain
{
    Task<PoolSubmitResult> SubmitAsync(string itemId, PoolSubmitRequest request);

    Task<PoolItem?> CompleteAsync(string itemId, long leaseTerm, int exitCode);

    /// <summary>Retries after a backoff, or dead-letters the item when its attempts are used up.</summary>
    Task<PoolItem?> FailAsync(string itemId, long leaseTerm, string error, int? exitCode);

    /// <summary>Cancels an available or claimed item (a running task is asked to stop).</summary>
    Task<PoolItem?> CancelAsync(string itemId, string reason);

    Task<PoolItem?> RequeueAsync(string itemId);

    Task<bool> DeleteAsync(string itemId);
}
