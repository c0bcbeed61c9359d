using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace CortexHub.Grains.Events;

/// <summary>
/// One subscriber's bounded queue. Delivery never blocks the publisher: when the queue is full the
/// event is counted as missed and the subscriber later reads a gap marker with the count; past
/// <see cref="EventBusOptions.MaxMissed"/> it is disconnected. A subscriber that stops reading is
/// pruned after <see cref="EventBusOptions.AbandonAfter"/>, so a vanished client leaks nothing.
/// </summary>
public sealed class EventSubscription : IAsyncDisposable
{
    private readonly EventHub _hub;
    private readonly Channel<EventEnvelope> _queue;
    private readonly Lock _gate = new();
    private readonly HashSet<long> _replayed = [];
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _maxMissed;
    private readonly TimeProvider _time;
    private List<HubEvent>? _heldDuringReplay = [];
    private long _missed;
    private long _lastReadTicks;
    private int _waiters;

    internal EventSubscription(EventHub hub, IReadOnlySet<string> topics, int capacity, int maxMissed, TimeProvider time)
    {
        _hub = hub;
        Topics = topics;
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

    /// <summary>Called by the hub's single dispatcher; never waits.</summary>
    internal void Deliver(HubEvent e)
    {
        lock (_gate)
        {
            if (_heldDuringReplay is not null)
            {
                _heldDuringReplay.Add(e);
                return;
            }

            if (!_replayed.Contains(e.Id))
            {
                Enqueue(e);
            }
        }
    }

    /// <summary>History first (replay), then the live events held meanwhile, without duplicates.</summary>
    internal void FinishReplay(IEnumerable<HubEvent> history)
    {
        lock (_gate)
        {
            foreach (var e in history)
            {
                _replayed.Add(e.Id);
                Enqueue(e);
            }

            var held = _heldDuringReplay ?? [];
            _heldDuringReplay = null;
            foreach (var e in held.Where(e => !_replayed.Contains(e.Id)))
            {
                Enqueue(e);
            }
        }
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
