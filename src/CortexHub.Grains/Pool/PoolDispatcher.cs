using System.Collections.Concurrent;
using System.Threading.Channels;
using CortexHub.Grains.Storage;
using CortexHub.Grains.Tasks;
using CortexHub.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CortexHub.Grains.Pool;

/// <summary>
/// Offers pool work to the node streams of this silo: no node polls. It wakes when claimable work
/// appears anywhere in the cluster (a coalesced hint), when a node frees or adds a slot, and every
/// <see cref="PoolOptions.DispatchPollInterval"/> (delays and backoffs end without a hint). Each
/// wake claims, for every node with free slots, up to that many items in one SKIP LOCKED statement
/// (best priority first, labels matching) and dispatches each claim as a task to the node.
/// </summary>
public sealed partial class PoolDispatcher : BackgroundService
{
    private readonly IPoolStore _store;
    private readonly PoolClaims _claims;
    private readonly INodeOutboxStore _outbox;
    private readonly Orleans.IGrainFactory _grains;
    private readonly PoolOutcomes _outcomes;
    private readonly IClusterNotifier _notifier;
    private readonly PoolMetrics _metrics;
    private readonly SiloKillSwitch _killSwitch;
    private readonly PoolOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PoolDispatcher> _logger;
    private readonly ConcurrentDictionary<PoolClaimer, byte> _claimers = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<bool> _hint = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly IDisposable _subscription;

    public PoolDispatcher(
        IPoolStore store,
        PoolClaims claims,
        INodeOutboxStore outbox,
        Orleans.IGrainFactory grains,
        PoolOutcomes outcomes,
        IClusterNotifier notifier,
        PoolMetrics metrics,
        SiloKillSwitch killSwitch,
        IOptions<PoolOptions> options,
        TimeProvider time,
        ILogger<PoolDispatcher> logger)
    {
        _store = store;
        _claims = claims;
        _outbox = outbox;
        _grains = grains;
        _outcomes = outcomes;
        _notifier = notifier;
        _metrics = metrics;
        _killSwitch = killSwitch;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _subscription = notifier.Subscribe(HubChannels.PoolWork, _ => Wake());
        notifier.Resync += Wake;
        outcomes.WorkReturned += AnnounceWork;
    }

    /// <summary>Nodes on this silo currently taking pool work.</summary>
    public int Claimers => _claimers.Count;

    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>
    /// Claimable work appeared: look here at once and tell the other silos. Hints coalesce (one in
    /// flight at a time), so a burst of submits costs a few notifications, not one each.
    /// </summary>
    public void AnnounceWork()
    {
        Wake();
        _hint.Writer.TryWrite(true);
    }

    /// <summary>
    /// A node stream on this silo takes pool work. First settles the claims the node already holds:
    /// those it still runs (or has yet to receive) stay in flight; those it lost by restarting fail
    /// now, so they retry without waiting for a lease to lapse.
    /// </summary>
    public async Task<PoolClaimer> AttachAsync(string nodeId, string owner, IReadOnlyDictionary<string, string> labels, int slots, IReadOnlyCollection<string> runningTaskIds)
    {
        var inFlight = new List<string>();
        var claims = await _store.PoolClaimedByAsync(nodeId);
        var pending = claims.Count == 0 ? [] : (await _outbox.NodeCommandListPendingAsync(nodeId, 10_000)).Select(c => c.CommandId).ToHashSet(StringComparer.Ordinal);
        foreach (var item in claims)
        {
            if (item.TaskId is { } taskId && await StillHeldAsync(nodeId, item, taskId, runningTaskIds, pending))
            {
                inFlight.Add(taskId);
            }
        }

        var claimer = new PoolClaimer(this, nodeId, owner, labels, slots, inFlight);
        _claimers[claimer] = 0;
        Wake();
        return claimer;
    }

    internal void Detach(PoolClaimer claimer) => _claimers.TryRemove(claimer, out _);

    private async Task<bool> StillHeldAsync(string nodeId, PoolItem item, string taskId, IReadOnlyCollection<string> runningTaskIds, HashSet<string> pendingCommands)
    {
        var claim = new PoolClaimRef(item.ItemId, item.LeaseTerm);
        if (!item.Dispatched && runningTaskIds.Contains(taskId))
        {
            return true; // the node runs it: the dispatch went through, only the mark was lost
        }

        var task = _grains.GetGrain<ITaskGrain>(taskId);
        var snapshot = await task.GetAsync();
        if (!snapshot.Exists)
        {
            // The silo that claimed it died (or stalls) before the task existed: make sure it never
            // will, so the item cannot run twice, then give the claim back.
            await GiveUpAsync(claim, taskId, "The claim was interrupted before its task was dispatched (silo failure).");
            return false;
        }

        // The task exists (if the dispatched mark was lost, storage failed after the dispatch).
        if (snapshot.IsFinished)
        {
            // Finished, but the silo that recorded the result may have died before telling the pool.
            await task.SyncPoolAsync();
            return false;
        }

        if (runningTaskIds.Contains(taskId)
            || (snapshot.State is TaskState.Queued or TaskState.Dispatched && pendingCommands.Contains(TaskGrain.DispatchCommandId(taskId))))
        {
            return true; // still running there, or not yet delivered (the outbox sends it after Welcome)
        }

        // The node had it (it reported on it, or confirmed the dispatch), yet came back without it: its process
        // restarted. The task is lost, which fails the claim.
        await task.AbandonAsync($"Node {nodeId} reconnected without this task (the node restarted).");
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _killSwitch.Token);
        var token = linked.Token;
        var hints = HintLoopAsync(token);
        while (!token.IsCancellationRequested)
        {
            try
            {
                await WaitForWakeAsync(token);
                while (await PassAsync(token))
                {
                    // A node took all it asked for: there may be more.
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is not SiloKilledException)
            {
                // One bad pass must not stop the pool on this silo; the next wake tries again.
                LogPassFailed(ex, ErrorId.New());
            }
        }

        await hints;
    }

    /// <summary>One round over the nodes with free slots; true when some node got every item it asked for.</summary>
    private async Task<bool> PassAsync(CancellationToken token)
    {
        var ready = _claimers.Keys.Where(c => c.FreeSlots > 0).ToList();
        if (ready.Count == 0)
        {
            return false;
        }

        var more = 0;
        await Parallel.ForEachAsync(ready, new ParallelOptions { MaxDegreeOfParallelism = _options.DispatchParallelism, CancellationToken = token }, async (claimer, _) =>
        {
            if (await ClaimForAsync(claimer))
            {
                Interlocked.Exchange(ref more, 1);
            }
        });
        return more == 1;
    }

    private async Task<bool> ClaimForAsync(PoolClaimer claimer)
    {
        var free = claimer.FreeSlots;
        if (free <= 0 || !_claimers.ContainsKey(claimer))
        {
            return false;
        }

        IReadOnlyList<PoolItem> items;
        try
        {
            items = await _claims.ClaimAsync(claimer.NodeId, claimer.Owner, claimer.Labels, free);
        }
        catch (StorageUnavailableException ex)
        {
            LogPassFailed(ex, ErrorId.New());
            return false;
        }

        if (items.Count == 0)
        {
            return false;
        }

        _metrics.Claimed(items.Count);
        var dispatched = new List<PoolItem>(items.Count);
        foreach (var item in items)
        {
            var taskId = item.TaskId!;
            claimer.Started(taskId);
            try
            {
                await _grains.GetGrain<ITaskGrain>(taskId).DispatchAsync(TaskSpecFor(item, claimer.NodeId));
                dispatched.Add(item);
            }
            catch (Exception ex) when (ex is not SiloKilledException)
            {
                // The dispatch may have got as far as the node's outbox: the task must be given up
                // (withdrawn, or cancelled on the node) before the item may be claimed again.
                claimer.TaskFinished(taskId);
                LogDispatchFailed(ex, item.ItemId, claimer.NodeId);
                await GiveUpAsync(new PoolClaimRef(item.ItemId, item.LeaseTerm), taskId, "Dispatching the claim's task failed: " + ex.Message);
            }
        }

        if (dispatched.Count > 0)
        {
            // Best effort: an unmarked claim is not renewed by heartbeats and returns when its lease lapses.
            try
            {
                await _store.PoolMarkDispatchedAsync([.. dispatched.Select(i => new PoolClaimRef(i.ItemId, i.LeaseTerm))], [.. dispatched.Select(i => i.TaskId!)]);
            }
            catch (StorageUnavailableException ex)
            {
                LogPassFailed(ex, ErrorId.New());
            }
        }

        return items.Count == free;
    }

    /// <summary>The task a claim runs as: the item's command on the claiming node, tied to the lease it ends.</summary>
    public static TaskSpec TaskSpecFor(PoolItem item, string nodeId) =>
        new(nodeId, item.Work.Command, item.CreatedBy, item.Work.WorkingDirectory, item.Work.Environment, item.Work.Timeout,
            Pool: new PoolClaimRef(item.ItemId, item.LeaseTerm));

    /// <summary>
    /// Abandons the claim's task (so it never runs, or stops), then fails the claim. If storage is
    /// down, the claim stays as it is: unmarked, it is not renewed, and the reaper or the node's
    /// next connection settles it the same way later.
    /// </summary>
    private async Task GiveUpAsync(PoolClaimRef claim, string taskId, string error)
    {
        try
        {
            await _grains.GetGrain<ITaskGrain>(taskId).AbandonAsync(error);
        }
        catch (Exception ex) when (TransientFaults.Is(ex))
        {
            LogPassFailed(ex, ErrorId.New());
            return;
        }

        await FailAsync(claim, error);
    }

    private async Task FailAsync(PoolClaimRef claim, string error)
    {
        try
        {
            await _outcomes.FailAsync(claim, error, null);
        }
        catch (StorageUnavailableException ex)
        {
            // The lease is not renewed (not dispatched) or the reaper finds it: it returns to the pool later.
            LogPassFailed(ex, ErrorId.New());
        }
    }

    private async Task HintLoopAsync(CancellationToken token)
    {
        try
        {
            while (await _hint.Reader.WaitToReadAsync(token))
            {
                _hint.Reader.TryRead(out _);
                await _notifier.HintAsync(_logger, HubChannels.PoolWork, "");
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task WaitForWakeAsync(CancellationToken token)
    {
        using var poll = new CancellationTokenSource(_options.DispatchPollInterval, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(poll.Token, token);
        try
        {
            await _wake.Reader.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            // Poll interval passed: look anyway.
        }
    }

    public override void Dispose()
    {
        _outcomes.WorkReturned -= AnnounceWork;
        _subscription.Dispose();
        base.Dispose();
    }

    [LoggerMessage(4402, LogLevel.Warning, "Pool dispatch pass failed (error id {ErrorId}); retrying on the next wake")]
    private partial void LogPassFailed(Exception exception, string errorId);

    [LoggerMessage(4403, LogLevel.Warning, "Dispatching pool item {ItemId} to node {NodeId} failed; the claim is returned to the pool")]
    private partial void LogDispatchFailed(Exception exception, string itemId, string nodeId);
}
