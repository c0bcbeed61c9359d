using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace CortexHub.Grains.Events;

/// <summary>
/// One subscriber's bounded queue. Delivery never blocks the publisher: when the queue is full the
/// event is counted as missed and the subscriber later reads a gap marker with the count; past
/// <see cref="EventBusOptions.MaxMissed"/> it is disconnected. A subscriber that stops reading is
/// pruned after <see cref="EventBusOptions.AbandonAfter"/>, so a vanished client leaks nothing.
/// A subscriber resuming from an event id first pages the stored log after it, as fast as it
/// reads (the history never passes through the bounded queue, so a long history is no gap), and
/// then turns live: live events that arrive meanwhile are held (a bounded number: once more
/// arrive, the page position steps back below them and the store is read again, since they are
/// stored), and the turn happens only after a short page read with nothing dropped, so every
/// event comes once and in order. A resume from below the retention horizon first reads a
/// <see cref="PrunedEvents"/> marker.
/// </summary>
public sealed class EventSubscription : IAsyncDisposable
{
    private readonly EventHub _hub;
    private readonly Channel<EventEnvelope> _queue;
    private readonly Lock _gate = new();
    private readonly HashSet<long> _replayed = [];
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _capacity;
    private readonly int _maxMissed;
    private readonly TimeProvider _time;
    private List<HubEvent>? _heldDuringReplay;

    /// <summary>While replaying: the stored log is read after this id. Null once live.</summary>
    private long? _replayAfter;

    /// <summary>While replaying: the lowest id of live events dropped because the held list was full (they are read from the store instead).</summary>
    private long? _lowestDropped;
    private long _missed;
    private long _lastReadTicks;
    private int _waiters;

    /// <param name="replayAfter">The event id whose stored successors are replayed before turning live; null: live at once.</param>
    internal EventSubscription(EventHub hub, IReadOnlySet<string> topics, long? replayAfter, int capacity, int maxMissed, TimeProvider time)
    {
        _replayAfter = replayAfter;
        _heldDuringReplay = replayAfter is null ? null : [];
        _hub = hub;
        Topics = topics;
        _capacity = capacity;
        _maxMissed = maxMissed;
        _time = time;
        _queue = Channel.CreateBounded<EventEnvelope>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _lastReadTicks = time.GetUtcNow().UtcTicks;
    }

    public string Id { get; } = Guid.NewGuid().ToString("N")[..12];

    public IReadOnlySet<string> Topics { get; }

    /// <summary>Completed (faulted with the reason, if any) when the subscription ends, even with events still queued.</summary>
    public Task Completion => _ended.Task;

    public bool IsCompleted => _ended.Task.IsCompleted;

    /// <summary>Reads events (and gap markers) until the subscription ends or is cancelled.</summary>
    public async IAsyncEnumerable<EventEnvelope> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long? resumeAfter;
        lock (_gate)
        {
            resumeAfter = _replayAfter;
        }

        // Retention may have removed events the resume asked for: say so before the replay, not silently.
        if (resumeAfter is { } start && await _hub.ReadPrunedThroughAsync(cancellationToken) is var prunedThrough && prunedThrough > start)
        {
            yield return new EventEnvelope(null, 0, new PrunedEvents(start, prunedThrough));
        }

        while (IsReplaying && !IsCompleted)
        {
            foreach (var e in await ReplayPageAsync(cancellationToken))
            {
                Touch();
                yield return new EventEnvelope(e, 0);
            }
        }

        while (true)
        {
            while (_queue.Reader.TryRead(out var envelope))
            {
                Touch();
                yield return envelope;
            }

            // Queue drained while events were being missed: say so now rather than with the next event.
            if (TakeMissedIfDrained() is > 0 and var missed)
            {
                yield return new EventEnvelope(null, missed);
                continue;
            }

            if (!await WaitAsync(cancellationToken))
            {
                yield break;
            }
        }
    }

    /// <summary>Nobody is waiting on the queue and nobody has read from it for <paramref name="after"/>.</summary>
    internal bool IsAbandoned(DateTimeOffset now, TimeSpan after) =>
        Volatile.Read(ref _waiters) == 0 && now.UtcTicks - Volatile.Read(ref _lastReadTicks) > after.Ticks;

    private async ValueTask<bool> WaitAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiters);
        try
        {
            return await _queue.Reader.WaitToReadAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waiters);
            Touch();
        }
    }

    private bool IsReplaying
    {
        get
        {
            lock (_gate)
            {
                return _replayAfter is not null;
            }
        }
    }

    /// <summary>Called by the hub's single dispatcher; never waits.</summary>
    internal void Deliver(HubEvent e)
    {
        lock (_gate)
        {
            if (_heldDuringReplay is not null)
            {
                Hold(e);
                return;
            }

            if (!_replayed.Contains(e.Id))
            {
                Enqueue(e);
            }
        }
    }

    /// <summary>
    /// Held while replaying, up to the queue's capacity. Past it the held events are dropped and the
    /// replay position steps back below the lowest of them: they are stored, so the next page reads them.
    /// </summary>
    private void Hold(HubEvent e)
    {
        var held = _heldDuringReplay!;
        if (held.Count < _capacity)
        {
            held.Add(e);
            return;
        }

        _lowestDropped = Math.Min(_lowestDropped ?? e.Id, Math.Min(e.Id, held.Min(h => h.Id)));
        held.Clear();
    }

    /// <summary>
    /// Reads the next page of the stored log for this subscriber. A short page read while nothing was
    /// dropped means the store held nothing newer when it was read, and every event committed later
    /// was delivered to the held list since: the held events follow (without those already replayed)
    /// and the subscription is live.
    /// </summary>
    private async Task<IReadOnlyList<HubEvent>> ReplayPageAsync(CancellationToken cancellationToken)
    {
        long after;
        lock (_gate)
        {
            after = _replayAfter!.Value;
        }

        var page = await _hub.ReadStoredAsync(after, EventHub.ReplayPageSize, cancellationToken);
        var mine = new List<HubEvent>();
        lock (_gate)
        {
            // A page read again after a drop holds events already replayed: each is yielded once.
            mine.AddRange(page.Where(e => EventTopics.Of(e).Any(Topics.Contains) && _replayed.Add(e.Id)));
            var next = page.Count > 0 ? page[^1].Id : after;
            if (_lowestDropped is { } dropped)
            {
                _replayAfter = Math.Min(next, dropped - 1);
                _lowestDropped = null;
            }
            else if (page.Count == EventHub.ReplayPageSize)
            {
                _replayAfter = next;
            }
            else
            {
                var held = _heldDuringReplay ?? [];
                _heldDuringReplay = null;
                _replayAfter = null;
                foreach (var e in held.Where(e => !_replayed.Contains(e.Id)))
                {
                    Enqueue(e);
                }
            }
        }

        return mine;
    }

    internal void End(Exception? reason = null)
    {
        _queue.Writer.TryComplete(reason);
        if (reason is null)
        {
            _ended.TrySetResult();
        }
        else
        {
            _ended.TrySetException(reason);
        }
    }

    private long TakeMissedIfDrained()
    {
        lock (_gate)
        {
            if (_missed == 0 || _queue.Reader.Count > 0)
            {
                return 0;
            }

            var missed = _missed;
            _missed = 0;
            return missed;
        }
    }

    private void Enqueue(HubEvent e)
    {
        if (_missed > 0)
        {
            if (!_queue.Writer.TryWrite(new EventEnvelope(null, _missed)))
            {
                CountMissed();
                return;
            }

            _missed = 0;
        }

        if (!_queue.Writer.TryWrite(new EventEnvelope(e, 0)))
        {
            CountMissed();
        }
    }

    private void CountMissed()
    {
        if (++_missed > _maxMissed)
        {
            End(new SlowSubscriberException(_missed));
        }
    }

    private void Touch() => Volatile.Write(ref _lastReadTicks, _time.GetUtcNow().UtcTicks);

    public ValueTask DisposeAsync()
    {
        _hub.Remove(this);
        End();
        return ValueTask.CompletedTask;
    }
}
