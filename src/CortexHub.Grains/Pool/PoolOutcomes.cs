using CortexHub.Grains.Events;
using CortexHub.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CortexHub.Grains.Pool;

/// <summary>
/// Group commit of lease outcomes on this silo: completions and failures from every caller that
/// arrive while a write is in flight go out together in the next statement (<c>PoolFinish</c>), so
/// statements per outcome fall as load rises. Each caller still gets its own answer: its item as now
/// stored, or null when the term it names is no longer current, exactly as if it had written alone.
/// Outcomes for one item in one batch are applied in arrival order, one statement per repeat, so
/// the second of two outcomes for the same term sees the first one's result and is stale. Every
/// change is then announced: metrics, the event bus (stored before its caller is answered), and
/// <see cref="WorkReturned"/> for retries.
/// </summary>
public sealed partial class PoolOutcomes : IAsyncDisposable
{
    private readonly IPoolStore _store;
    private readonly EventHub _events;
    private readonly PoolMetrics _metrics;
    private readonly PoolOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PoolOutcomes> _logger;
    private readonly GroupCommitQueue<PendingOutcome> _queue;

    public PoolOutcomes(IPoolStore store, EventHub events, PoolMetrics metrics, IOptions<PoolOptions> options, TimeProvider time, ILogger<PoolOutcomes> logger)
    {
        _store = store;
        _events = events;
        _metrics = metrics;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _queue = new GroupCommitQueue<PendingOutcome>(WriteAsync);
    }

    /// <summary>Raised after a batch that put items back in the pool (retries), so dispatchers look for work.</summary>
    public event Action? WorkReturned;

    /// <summary>Ends a lease as done (null when the term is stale).</summary>
    public Task<PoolItem?> CompleteAsync(PoolClaimRef claim, int exitCode) =>
        RecordAsync(new PoolOutcome(claim.ItemId, claim.LeaseTerm, Succeeded: true, Error: null, exitCode));

    /// <summary>Ends a lease as failed: retry after backoff, or dead letter (null when the term is stale).</summary>
    public Task<PoolItem?> FailAsync(PoolClaimRef claim, string error, int? exitCode) =>
        RecordAsync(new PoolOutcome(claim.ItemId, claim.LeaseTerm, Succeeded: false, error, exitCode));

    /// <summary>
    /// Queues the outcome and waits for the statement that holds it. A storage error fails every
    /// caller of that statement; the outcome may or may not be recorded then, and repeating it is safe.
    /// </summary>
    private async Task<PoolItem?> RecordAsync(PoolOutcome outcome)
    {
        var pending = new PendingOutcome(outcome);
        await _queue.CommitAsync(pending, CancellationToken.None);
        await pending.Announced; // the change's event is stored before the caller hears of the change
        return pending.Result;
    }

    private async Task WriteAsync(IReadOnlyList<PendingOutcome> batch)
    {
        // Rounds of distinct items: usually one; a repeat for an item goes in the next round, after the first.
        var rest = batch;
        while (rest.Count > 0)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var round = new List<PendingOutcome>(rest.Count);
            var later = new List<PendingOutcome>();
            foreach (var pending in rest)
            {
                (seen.Add(pending.Outcome.ItemId) ? round : later).Add(pending);
            }

            var changed = await _store.PoolFinishAsync([.. round.Select(p => p.Outcome)], _options.RetryBaseDelay, _options.RetryMaxDelay, _time.GetUtcNow());
            var byItem = changed.ToDictionary(i => i.ItemId, StringComparer.Ordinal);
            var returned = false;
            foreach (var pending in round)
            {
                if (byItem.TryGetValue(pending.Outcome.ItemId, out var item))
                {
                    pending.Result = item;
                    returned |= item.State == PoolItemState.Available;
                    pending.Announced = Announce(item);
                }
                else
                {
                    LogStaleOutcome(pending.Outcome.ItemId, pending.Outcome.LeaseTerm, pending.Outcome.Succeeded ? "done" : "failed");
                }
            }

            if (returned)
            {
                WorkReturned?.Invoke();
            }

            rest = later;
        }
    }

    /// <summary>
    /// Counts the change and starts publishing it. The writer does not wait for the event (the next
    /// batch's statement goes out meanwhile, and the events of one batch share one INSERT); each caller does.
    /// </summary>
    private Task Announce(PoolItem item)
    {
        _metrics.Outcome(item);
        var change = item.State switch
        {
            PoolItemState.Done => "done",
            PoolItemState.Dead => "dead",
            _ => "retry",
        };
        return PoolItemEvents.PublishAsync(_events, _logger, item, change);
    }

    public ValueTask DisposeAsync() => _queue.DisposeAsync();

    [LoggerMessage(4401, LogLevel.Debug, "Outcome '{Change}' for pool item {ItemId} names lease term {LeaseTerm}, which is no longer current; ignored")]
    private partial void LogStaleOutcome(string itemId, long leaseTerm, string change);

    private sealed class PendingOutcome(PoolOutcome outcome) : IGroupCommitItem
    {
        public PoolOutcome Outcome { get; } = outcome;

        /// <summary>Set by the writer before <see cref="Committed"/> completes.</summary>
        public PoolItem? Result { get; set; }

        /// <summary>The change's event being stored (set by the writer with <see cref="Result"/>; none for a stale outcome).</summary>
        public Task Announced { get; set; } = Task.CompletedTask;

        public int Rows => 1;

        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
