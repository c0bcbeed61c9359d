using CortexHub.Protocol.V1;

namespace CortexHub.Agent.Tasks;

/// <summary>
/// The node's side of one task's journal: numbers the task's events 1, 2, 3…, keeps every event the hub has not
/// acknowledged, and knows which of them the current stream has not carried yet (the send cursor).
/// </summary>
/// <remarks>
/// Events sequences form one contiguous run: <c>AckedSequence + 1 … LastSequence</c> are held in order, and
/// <c>AckedSequence ≤ cursor ≤ LastSequence</c>. A new stream rewinds the cursor to what the hub says is durable,
/// so everything after it is sent again; the hub drops duplicates.
/// Output events are admitted only while the held output is under the limit, so the held bytes never exceed
/// the limit by more than one chunk. Other events (accepted, started, result) are tiny and always admitted: a
/// task's result must never wait behind its own output.
/// Thread-safe: the runner publishes from two pipe readers while the connection takes and acknowledges.
/// </remarks>
public sealed class TaskEventBuffer : ITaskEventSink
{
    private readonly Lock _lock = new();
    private readonly List<TaskEvent> _unacked = [];
    private readonly Action? _onPublished;
    private TaskCompletionSource? _capacityWaiter;
    private ulong _lastSequence;
    private ulong _ackedSequence;
    private ulong _cursor;
    private ulong _highestSent;
    private ulong _resultSequence;
    private long _unackedBytes;
    private long _peakUnackedBytes;
    private bool _closed;

    /// <summary>Creates the journal of <paramref name="taskId"/>.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="maxUnackedBytes">Output bytes held unacknowledged before publishers wait.</param>
    /// <param name="onPublished">Called (outside the lock) after each event is appended, to wake the sender.</param>
    public TaskEventBuffer(string taskId, long maxUnackedBytes, Action? onPublished = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxUnackedBytes, 1);
        TaskId = taskId;
        MaxUnackedBytes = maxUnackedBytes;
        _onPublished = onPublished;
    }

    /// <summary>The task.</summary>
    public string TaskId { get; }

    /// <summary>Output bytes held unacknowledged before publishers of output wait.</summary>
    public long MaxUnackedBytes { get; }

    /// <summary>Sequence number of the last event published (0 before the first).</summary>
    public ulong LastSequence
    {
        get { lock (_lock) { return _lastSequence; } }
    }

    /// <summary>Every event up to this sequence is acknowledged (durable on the hub) and no longer held.</summary>
    public ulong AckedSequence
    {
        get { lock (_lock) { return _ackedSequence; } }
    }

    /// <summary>Highest sequence ever handed to a stream (what Hello reports as <c>last_sequence_sent</c>).</summary>
    public ulong HighestSentSequence
    {
        get { lock (_lock) { return _highestSent; } }
    }

    /// <summary>Output bytes held unacknowledged now.</summary>
    public long UnackedBytes
    {
        get { lock (_lock) { return _unackedBytes; } }
    }

    /// <summary>The most output bytes ever held unacknowledged at once.</summary>
    public long PeakUnackedBytes
    {
        get { lock (_lock) { return _peakUnackedBytes; } }
    }

    /// <summary>Events held unacknowledged now.</summary>
    public int UnackedCount
    {
        get { lock (_lock) { return _unacked.Count; } }
    }

    /// <summary>True once the result (always the last event) is published.</summary>
    public bool HasResult
    {
        get { lock (_lock) { return _resultSequence != 0; } }
    }

    /// <summary>True once the result is acknowledged: the node can forget the task.</summary>
    public bool IsSettled
    {
        get { lock (_lock) { return IsSettledLocked; } }
    }

    /// <summary>True when events wait to be handed to the stream.</summary>
    public bool HasPending
    {
        get { lock (_lock) { return !_closed && _cursor < _lastSequence; } }
    }

    private bool IsSettledLocked => _resultSequence != 0 && _ackedSequence >= _resultSequence;

    /// <inheritdoc />
    public async ValueTask<TaskEvent> PublishAsync(TaskEvent taskEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(taskEvent);
        var cost = CostOf(taskEvent);
        while (true)
        {
            Task waitForCapacity;
            lock (_lock)
            {
                if (_closed)
                {
                    // The task was abandoned: nobody will send or acknowledge this event.
                    return taskEvent;
                }

                if (_resultSequence != 0)
                {
                    throw new InvalidOperationException($"Task {TaskId} already has its result; no event can follow it.");
                }

                if (cost == 0 || _unackedBytes < MaxUnackedBytes)
                {
                    taskEvent.TaskId = TaskId;
                    taskEvent.Sequence = ++_lastSequence;
                    _unacked.Add(taskEvent);
                    _unackedBytes += cost;
                    _peakUnackedBytes = Math.Max(_peakUnackedBytes, _unackedBytes);
                    if (taskEvent.EventCase == TaskEvent.EventOneofCase.Result)
                    {
                        _resultSequence = taskEvent.Sequence;
                    }

                    break;
                }

                _capacityWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                waitForCapacity = _capacityWaiter.Task;
            }

            await waitForCapacity.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        _onPublished?.Invoke();
        return taskEvent;
    }

    /// <summary>
    /// The hub made every event up to <paramref name="sequence"/> durable: drop them and wake publishers waiting
    /// for room. A sequence beyond the last published one is treated as the last one.
    /// </summary>
    /// <returns>True when the task is settled (its result is acknowledged).</returns>
    public bool Acknowledge(ulong sequence)
    {
        TaskCompletionSource? wake = null;
        bool settled;
        lock (_lock)
        {
            sequence = Math.Min(sequence, _lastSequence);
            if (sequence > _ackedSequence)
            {
                var count = (int)(sequence - _ackedSequence);
                for (var i = 0; i < count; i++)
                {
                    _unackedBytes -= CostOf(_unacked[i]);
                }

                _unacked.RemoveRange(0, count);
                _ackedSequence = sequence;
                _cursor = Math.Max(_cursor, _ackedSequence);
                _highestSent = Math.Max(_highestSent, _cursor);
                if (_unackedBytes < MaxUnackedBytes)
                {
                    wake = _capacityWaiter;
                    _capacityWaiter = null;
                }
            }

            settled = IsSettledLocked;
        }

        wake?.TrySetResult();
        return settled;
    }

    /// <summary>
    /// A new stream starts: the hub holds everything up to <paramref name="hubAckedSequence"/>. Drops those events
    /// and rewinds the send cursor so every later event is sent again, in order.
    /// </summary>
    /// <returns>True when the task is settled.</returns>
    public bool ResumeFrom(ulong hubAckedSequence)
    {
        var settled = Acknowledge(hubAckedSequence);
        lock (_lock)
        {
            _cursor = _ackedSequence;
        }

        return settled;
    }

    /// <summary>
    /// Moves up to <paramref name="max"/> events that the current stream has not carried yet into
    /// <paramref name="into"/>, in sequence order, and advances the send cursor past them. They stay held until
    /// acknowledged.
    /// </summary>
    /// <returns>How many events were added.</returns>
    public int TakePending(List<TaskEvent> into, int max)
    {
        ArgumentNullException.ThrowIfNull(into);
        lock (_lock)
        {
            if (_closed)
            {
                return 0;
            }

            var start = (int)(_cursor - _ackedSequence);
            var count = Math.Min(max, _unacked.Count - start);
            if (count <= 0)
            {
                return 0;
            }

            into.AddRange(_unacked.GetRange(start, count));
            _cursor += (ulong)count;
            _highestSent = Math.Max(_highestSent, _cursor);
            return count;
        }
    }

    /// <summary>Copies the held (unacknowledged) events, in order. For diagnostics and tests.</summary>
    public IReadOnlyList<TaskEvent> SnapshotUnacked()
    {
        lock (_lock)
        {
            return [.. _unacked];
        }
    }

    /// <summary>
    /// Forgets every held event and drops later ones (the hub disowned the task). Wakes waiting publishers so
    /// the runner can finish.
    /// </summary>
    public void Close()
    {
        TaskCompletionSource? wake;
        lock (_lock)
        {
            _closed = true;
            _unacked.Clear();
            _unackedBytes = 0;
            wake = _capacityWaiter;
            _capacityWaiter = null;
        }

        wake?.TrySetResult();
    }

    /// <summary>What an event counts against the limit: the bytes of its output; other events count nothing.</summary>
    private static long CostOf(TaskEvent taskEvent) =>
        taskEvent.EventCase == TaskEvent.EventOneofCase.Output ? taskEvent.Output.Data.Length : 0;
}
