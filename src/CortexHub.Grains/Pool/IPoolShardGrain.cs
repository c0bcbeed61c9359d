namespace CortexHub.Grains.Pool;

/// <summary>
/// One shard of the work pool (key: shard number). It owns the lifecycle of its items (submit
/// with idempotency, cancel, requeue, delete) and announces their changes; claims span all shards
/// in one statement so priority order is global (see <see cref="PoolDispatcher"/>), and lease
/// outcomes are group-committed per silo (see <see cref="PoolOutcomes"/>).
/// </summary>
public interface IPoolShardGrain : IGrain
{
    Task<PoolSubmitResult> SubmitAsync(string itemId, PoolSubmitRequest request);

    /// <summary>Cancels an available or claimed item (a running task is asked to stop).</summary>
    Task<PoolItem?> CancelAsync(string itemId, string reason);

    Task<PoolItem?> RequeueAsync(string itemId);

    Task<bool> DeleteAsync(string itemId);
}
