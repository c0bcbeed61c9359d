using System.Collections.Concurrent;
using System.Threading.Channels;
using CortexHub.Grains.Storage;
using CortexHub.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CortexHub.Grains.Events;

/// <summary>
/// The event bus on one silo. Publishing appends to the event table (group-committed) and hints
/// every silo; each silo tails the table from its cursor and fans each event out once to its local
/// subscribers, indexed by topic (a subscriber on a node and on that node's user still gets each
/// event once). Ids committed late (after a higher id was read) are re-read until they appear or
/// expire, so events of one source reach every silo in publication order.
/// </summary>
public sealed partial class EventHub : IHostedService, IAsyncDisposable
{
    public const string WakeChannel = "events";

    /// <summary>Stored events read per page by a resuming subscriber.</summary>
    internal const int ReplayPageSize = 1000;
    private static readonly TimeSpan LateCommitWindow = TimeSpan.FromSeconds(10);

    private readonly IEventStore _store;
    private readonly IClusterNotifier _notifier;
    private readonly EventBusOptions _options;
    private readonly TimeProvider _time;
    private readonly SiloKillSwitch _killSwitch;
    private readonly ILogger<EventHub> _logger;
    private readonly GroupCommitQueue<PendingEvent> _publishQueue;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<EventSubscription, byte>> _byTopic = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<EventSubscription, byte> _all = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Dictionary<long, DateTimeOffset> _lateIds = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly IDisposable _hint;
    private Task _loops = Task.CompletedTask;
    private long _cursor;

    public EventHub(IEventStore store, IClusterNotifier notifier, IOptions<EventBusOptions> options, TimeProvider time, SiloKillSwitch killSwitch, ILogger<EventHub> logger)
    {
        _store = store;
        _notifier = notifier;
        _options = options.Value;
        _time = time;
        _killSwitch = killSwitch;
        _logger = logger;
        _publishQueue = new GroupCommitQueue<PendingEvent>(CommitBatchAsync);
        _hint = notifier.Subscribe(WakeChannel, _ => Wake());
        notifier.Resync += Wake;
    }

    /// <summary>Subscriptions currently held on this silo.</summary>
    public int SubscriberCount => _all.Count;

    /// <summary>The highest event id this silo has dispatched.</summary>
    public long Cursor => Interlocked.Read(ref _cursor);

    /// <summary>Publishes an event; completes once it is durable (then every silo's subscribers get it).</summary>
    public Task PublishAsync(HubEventDraft draft, CancellationToken cancellationToken = default) =>
        _publishQueue.CommitAsync(new PendingEvent(draft), cancellationToken);

    /// <summary>One transaction and one cross-silo hint per batch of published events, however many it holds.</summary>
    private async Task CommitBatchAsync(IReadOnlyList<PendingEvent> batch)
    {
        await _store.EventAppendManyAsync([.. batch.Select(p => p.Draft)], _time.GetUtcNow());
        Wake();
        await _notifier.HintAsync(_logger, WakeChannel, "");
    }

    /// <summary>
    /// Subscribes to topics (see <see cref="EventTopics"/>). With <paramref name="afterEventId"/>, the
    /// reader first pages through the retained history after that id (all of it, read from the store
    /// as it reads), then continues live without gap or duplicate.
    /// <paramref name="capacity"/> overrides <see cref="EventBusOptions.SubscriberCapacity"/>.
    /// </summary>
    public Task<EventSubscription> SubscribeAsync(IEnumerable<string> topics, long? afterEventId = null, int? capacity = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var subscription = new EventSubscription(this, topics.ToHashSet(StringComparer.Ordinal), afterEventId, capacity ?? _options.SubscriberCapacity, _options.MaxMissed, _time);
        _all.TryAdd(subscription, 0);
        foreach (var topic in subscription.Topics)
        {
            _byTopic.GetOrAdd(topic, _ => new()).TryAdd(subscription, 0);
        }

        return Task.FromResult(subscription);
    }

    /// <summary>Stored events after <paramref name="afterId"/> in id order (any topic): a resuming subscriber's replay.</summary>
    internal Task<IReadOnlyList<HubEvent>> ReadStoredAsync(long afterId, int limit, CancellationToken cancellationToken) =>
        _store.EventReadAsync(afterId, [], limit, cancellationToken);

    /// <summary>The highest event id retention has removed: a resume from below it may have lost events.</summary>
    internal Task<long> ReadPrunedThroughAsync(CancellationToken cancellationToken) => _store.EventPrunedThroughAsync(cancellationToken);

    internal void Remove(EventSubscription subscription)
    {
        _all.TryRemove(subscription, out _);
        foreach (var topic in subscription.Topics)
        {
            if (_byTopic.TryGetValue(topic, out var set))
            {
                set.TryRemove(subscription, out _);
            }
        }
    }

    public void Wake() => _wake.Writer.TryWrite(true);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _cursor = await _store.EventLastIdAsync(cancellationToken);
        var token = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, _killSwitch.Token).Token;
        _loops = Task.WhenAll(Task.Run(() => TailLoopAsync(token), CancellationToken.None), Task.Run(() => PruneLoopAsync(token), CancellationToken.None));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await _loops.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // An ungraceful stop does not wait; the loops end on their own.
        }

        foreach (var subscription in _all.Keys)
        {
            subscription.End();
        }
    }

    /// <summary>Reads and dispatches every event committed since the cursor; returns how many.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        foreach (var expired in _lateIds.Where(l => now - l.Value > LateCommitWindow).Select(l => l.Key).ToList())
        {
            _lateIds.Remove(expired); // rolled back, or pruned: it will not appear
        }

        var events = await _store.EventReadAsync(_cursor, _lateIds.Keys, 1000, cancellationToken);
        foreach (var e in events)
        {
            if (e.Id > _cursor)
            {
                for (var missing = _cursor + 1; missing < e.Id; missing++)
                {
                    _lateIds[missing] = now;
                }

                Interlocked.Exchange(ref _cursor, e.Id);
            }
            else if (!_lateIds.Remove(e.Id))
            {
                continue; // already dispatched
            }

            Dispatch(e);
        }

        return events.Count;
    }

    private void Dispatch(HubEvent e)
    {
        var targets = new HashSet<EventSubscription>();
        foreach (var topic in EventTopics.Of(e))
        {
            if (_byTopic.TryGetValue(topic, out var set))
            {
                targets.UnionWith(set.Keys);
            }
        }

        foreach (var subscription in targets)
        {
            subscription.Deliver(e);
        }
    }

    private async Task TailLoopAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (await RunOnceAsync(cancellationToken) == 1000)
                {
                    continue;
                }

                failures = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                if (failures++ == 0)
                {
                    LogTailFailed(ex, ErrorId.New());
                }
            }

            using var poll = new CancellationTokenSource(_options.PollInterval, _time);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(poll.Token, cancellationToken);
            try
            {
                await _wake.Reader.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                // Poll interval passed (or stopping: the loop condition decides).
            }
        }
    }

    private async Task PruneLoopAsync(CancellationToken cancellationToken)
    {
        var nextHistoryPrune = _time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.PruneInterval, _time, cancellationToken);
                PruneSubscribers();
                if (_time.GetUtcNow() >= nextHistoryPrune)
                {
                    await _store.EventPruneAsync(_time.GetUtcNow() - _options.HistoryRetention, cancellationToken);
                    nextHistoryPrune = _time.GetUtcNow() + TimeSpan.FromMinutes(1);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is StorageUnavailableException)
            {
                LogPruneFailed(ex, ErrorId.New());
            }
        }
    }

    /// <summary>Drops subscriptions that ended or whose reader vanished; returns how many.</summary>
    public int PruneSubscribers()
    {
        var now = _time.GetUtcNow();
        var pruned = 0;
        foreach (var subscription in _all.Keys)
        {
            if (subscription.IsCompleted || subscription.IsAbandoned(now, _options.AbandonAfter))
            {
                Remove(subscription);
                subscription.End();
                pruned++;
            }
        }

        return pruned;
    }

    public async ValueTask DisposeAsync()
    {
        _hint.Dispose();
        await _stopping.CancelAsync();
        await _publishQueue.DisposeAsync();
    }

    [LoggerMessage(4201, LogLevel.Warning, "Reading new events failed (error id {ErrorId}); retrying on the next poll")]
    private partial void LogTailFailed(Exception exception, string errorId);

    [LoggerMessage(4202, LogLevel.Warning, "Pruning old events failed (error id {ErrorId})")]
    private partial void LogPruneFailed(Exception exception, string errorId);
}
