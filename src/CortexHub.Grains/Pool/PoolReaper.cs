using CortexHub.Grains.Storage;
using CortexHub.Grains.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CortexHub.Grains.Pool;

/// <summary>
/// Returns lapsed claims to the pool. <see cref="PoolReaperGrain"/> (one activation in the
/// cluster) runs a sweep every <see cref="PoolOptions.ReaperInterval"/>: claims past their lease or
/// whose node's stream has been gone past <see cref="PoolOptions.OrphanGrace"/> fail (the attempt
/// counts, so they retry or dead-letter) and their tasks are asked to stop; claims left unmarked past
/// <see cref="PoolOptions.DispatchGrace"/> are settled against their tasks; once a minute, old claims are
/// checked against their tasks; finished items past retention are deleted; the pool gauges refresh.
/// </summary>
public sealed partial class PoolReaper(
    IPoolStore store,
    Orleans.IGrainFactory grains,
    WorkPool pool,
    PoolMetrics metrics,
    IOptions<PoolOptions> options,
    TimeProvider time,
    ILogger<PoolReaper> logger)
{
    private const int BatchSize = 500;

    private readonly PoolOptions _options = options.Value;
    private int _sweeps;

    /// <summary>Sweeps done on this silo (for tests and diagnostics).</summary>
    public int Sweeps => Volatile.Read(ref _sweeps);

    /// <summary>One sweep (public for tests that drive the reaper without waiting for its grain).</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sweep = Interlocked.Increment(ref _sweeps);
        foreach (var lapsed in await store.PoolLapsedAsync(now, now - _options.OrphanGrace, BatchSize, cancellationToken))
        {
            await ReturnAsync(lapsed);
        }

        foreach (var unmarked in await store.PoolUndispatchedAsync(now - _options.DispatchGrace, BatchSize, cancellationToken))
        {
            await SettleUndispatchedAsync(unmarked, cancellationToken);
        }

        if (sweep % Math.Max(1, (int)(TimeSpan.FromMinutes(1) / _options.ReaperInterval)) == 1)
        {
            foreach (var claimed in await store.PoolStaleClaimsAsync(now - _options.StaleClaimAudit, 100, cancellationToken))
            {
                if (claimed.TaskId is { } taskId)
                {
                    await grains.GetGrain<ITaskGrain>(taskId).SyncPoolAsync();
                }
            }

            await store.PoolPurgeAsync(now - _options.Retention, cancellationToken);
        }

        metrics.Observe(await store.PoolStatsAsync(now, cancellationToken));
    }

    private async Task ReturnAsync(PoolLapsedClaim lapsed)
    {
        var reason = lapsed.Reason switch
        {
            "expired" => $"The lease of node {lapsed.ClaimedBy} expired.",
            "undispatched" => $"The claim by node {lapsed.ClaimedBy} was never dispatched (its silo failed between claim and dispatch).",
            _ => $"Node {lapsed.ClaimedBy}'s stream has been gone longer than {_options.OrphanGrace}.",
        };
        // First make sure the old claimer never works on it again (its dispatch, if still undelivered,
        // is withdrawn; a running task is cancelled; a task not created yet never will be). Only then
        // may the item be claimed again: never two runs at once. A lost pool task fails its own claim.
        var abandoned = false;
        if (lapsed.TaskId is { } taskId)
        {
            var task = await grains.GetGrain<ITaskGrain>(taskId).AbandonAsync(reason);
            abandoned = task.State == TaskState.Lost && task.Result?.Error == reason;
        }

        var item = await pool.FailAsync(new PoolClaimRef(lapsed.ItemId, lapsed.LeaseTerm), reason) ?? (abandoned ? await pool.GetAsync(lapsed.ItemId) : null);
        if (item is null)
        {
            return; // the claimer's outcome got there first
        }

        metrics.Returned(lapsed.Reason);
        LogReturned(lapsed.ItemId, lapsed.ClaimedBy, lapsed.Reason, item.State == PoolItemState.Dead);
    }

    /// <summary>
    /// A claim left unmarked by a silo that died or failed between claim and dispatch: if its task
    /// went out (the node has it or will), mark it so heartbeats renew the lease; if it finished,
    /// tell the pool; if it never got that far, give the claim back now rather than at lease expiry.
    /// </summary>
    private async Task SettleUndispatchedAsync(PoolLapsedClaim claim, CancellationToken cancellationToken)
    {
        if (claim.TaskId is not { } taskId)
        {
            return;
        }

        var task = grains.GetGrain<ITaskGrain>(taskId);
        var snapshot = await task.GetAsync();
        if (!snapshot.Exists || snapshot.State == TaskState.Queued)
        {
            await ReturnAsync(claim); // never went out (a tombstone counts as never)
        }
        else if (snapshot.IsFinished)
        {
            await task.SyncPoolAsync();
        }
        else
        {
            await store.PoolMarkDispatchedAsync([new PoolClaimRef(claim.ItemId, claim.LeaseTerm)], [taskId], cancellationToken);
        }
    }

    [LoggerMessage(4405, LogLevel.Information, "Pool item {ItemId} returned from node {NodeId} ({Reason}); dead-lettered: {Dead}")]
    private partial void LogReturned(string itemId, string? nodeId, string reason, bool dead);
}
