using CortexHub.Grains.Events;
using CortexHub.Grains.Storage;
using CortexHub.Grains.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;

namespace CortexHub.Grains.Pool;

/// <summary>
/// A pool shard. Its state is its rows in <c>pool_items</c> (every change is one conditional
/// statement); the grain's turns order the shard's changes and announce each one (event bus, stored
/// before the caller is answered; hint to dispatchers).
/// Lease outcomes, the hot path, skip the grain: <see cref="PoolOutcomes"/> group-commits them.
/// </summary>
[Orleans.GrainType("pool-shard")]
public sealed class PoolShardGrain(
    IPoolStore store,
    PoolDispatcher dispatcher,
    EventHub events,
    PoolMetrics metrics,
    IOptions<PoolOptions> options,
    TimeProvider time,
    ILogger<PoolShardGrain> logger) : Grain, IPoolShardGrain
{
    private readonly PoolOptions _options = options.Value;

    private string Shard => this.GetPrimaryKeyString();

    public async Task<PoolSubmitResult> SubmitAsync(string itemId, PoolSubmitRequest request)
    {
        var now = time.GetUtcNow();
        var item = new PoolItem(
            itemId, 0, int.Parse(Shard, System.Globalization.CultureInfo.InvariantCulture), PoolItemState.Available, request.Priority,
            request.RequiredLabels ?? new Dictionary<string, string>(), request.Work, request.CreatedBy, request.IdempotencyKey,
            request.MaxAttempts ?? _options.DefaultMaxAttempts, 0, request.VisibilityTimeout ?? _options.DefaultVisibilityTimeout,
            now + (request.Delay ?? TimeSpan.Zero), 0, null, null, null, null, null, null, now, null, false);

        if (await store.PoolInsertAsync(item, now) is { } inserted)
        {
            metrics.Submitted();
            await AnnounceAsync(inserted, "submitted");
            return new PoolSubmitResult(inserted, Created: true);
        }

        // This submit ran before and its answer was lost: the item it stored is the answer.
        // (Announced again: the silo that stored it may have died before announcing it.)
        if (await store.PoolGetAsync(itemId) is { } stored)
        {
            await AnnounceAsync(stored, "submitted");
            return new PoolSubmitResult(stored, Created: true);
        }

        // The key was used before: the first submit's item is the answer (whatever state it is in now).
        var existing = request.IdempotencyKey is { } key ? await store.PoolGetByKeyAsync(request.CreatedBy, key) : null;
        return new PoolSubmitResult(
            existing ?? throw new InvalidOperationException($"Pool item with idempotency key '{request.IdempotencyKey}' vanished while being read; retry the submit."),
            Created: false);
    }

    public async Task<PoolItem?> CancelAsync(string itemId, string reason)
    {
        var item = await store.PoolCancelAsync(itemId, reason, time.GetUtcNow());
        if (item is null)
        {
            return null;
        }

        await AnnounceAsync(item, "cancelled");
        if (item.TaskId is { } taskId)
        {
            // The last claim's task (if it still runs) stops; its late outcome names an ended lease and is ignored.
            await GrainFactory.GetGrain<ITaskGrain>(taskId).CancelAsync("pool item cancelled: " + reason);
        }

        return item;
    }

    public async Task<PoolItem?> RequeueAsync(string itemId)
    {
        var item = await store.PoolRequeueAsync(itemId, time.GetUtcNow());
        if (item is not null)
        {
            await AnnounceAsync(item, "requeued");
        }

        return item;
    }

    public Task<bool> DeleteAsync(string itemId) => store.PoolDeleteAsync(itemId);

    /// <summary>
    /// Publishes the change (stored before the turn answers its caller); new claimable work also
    /// wakes every silo's dispatcher.
    /// </summary>
    private Task AnnounceAsync(PoolItem item, string change)
    {
        if (item.State == PoolItemState.Available)
        {
            dispatcher.AnnounceWork();
        }

        return PoolItemEvents.PublishAsync(events, logger, item, change);
    }
}
