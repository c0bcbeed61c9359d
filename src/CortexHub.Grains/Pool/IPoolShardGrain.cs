using Orleans;

namespace CortexHub.Grains.Pool;

/// <summary>
/// One shard of the work pool (key: shard number). It owns the lifecycle of its items (submit
/// with idempotency, cancel, requeue, delete) and announces their changes; claims span all shards
/// in one statement so priority order is global (see <see cref="PoolDispatcher"/>), and lease
/// outcomes are group-committed per silo (see <see cref="PoolOutcomes"/>).
/// </summary>
[Alias("cortexhub.IPoolShardGrain")]
public interface IPoolShardGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores a new item under <paramref name="itemId"/>, chosen by the caller so that a repeated
    /// call (its answer lost to a failing silo) finds the item the first call stored.
    /// </summary>
    [Alias("Submit"), Idempotent]
    Task<PoolSubmitResult> SubmitAsync(string itemId, PoolSubmitRequest request);

    /// <summary>Cancels an available or claimed item (a running task is asked to stop).</summary>
    [Alias("Cancel")]
    Task<PoolItem?> CancelAsync(string itemId, string reason);

    [Alias("Requeue")]
    Task<PoolItem?> RequeueAsync(string itemId);

    [Alias("Delete")]
    Task<bool> DeleteAsync(string itemId);
}
