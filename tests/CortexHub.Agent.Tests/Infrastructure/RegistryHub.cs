namespace CortexHub.Agent.Tests.Infrastructure;

/// <summary>
/// Plays the hub against a <see cref="TaskRegistry"/> without a network, the way a session's pump does: takes
/// the events the node would send, records them per task, checks that each task's sequences arrive as 1, 2, 3…,
/// and acknowledges each batch (unless <see cref="AutoAck"/> is off).
/// </summary>
public sealed class RegistryHub : IAsyncDisposable
{
    private readonly TaskRegistry _registry;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<TaskEvent>> _events = [];
    private readonly List<string> _violations = [];
    private readonly List<(string TaskId, Func<TaskEvent, bool> Match, TaskCompletionSource<TaskEvent> Done)> _waiters = [];
    private readonly Task _loop;

    public RegistryHub(TaskRegistry registry, bool autoAck = true)
    {
        _registry = registry;
        AutoAck = autoAck;
        _loop = Task.Run(RunAsync);
    }

    public bool AutoAck { get; set; }

    /// <summary>Order violations seen so far (should stay empty).</summary>
    public IReadOnlyList<string> Violations
    {
        get { lock (_lock) { return [.. _violations]; } }
    }

    public IReadOnlyList<TaskEvent> EventsOf(string taskId)
    {
        lock (_lock)
        {
            return _events.TryGetValue(taskId, out var list) ? [.. list] : [];
        }
    }

    /// <summary>Forgets what was received for <paramref name="taskId"/> (as a hub that restarted would), so a resend can be checked.</summary>
    public void ForgetReceived(string taskId, ulong keepUpTo)
    {
        lock (_lock)
        {
            if (_events.TryGetValue(taskId, out var list))
            {
                list.RemoveAll(e => e.Sequence > keepUpTo);
            }
        }
    }

    public async Task<TaskResult> WaitForResultAsync(string taskId) =>
        (await WaitForEventAsync(taskId, e => e.EventCase == TaskEvent.EventOneofCase.Result)).Result;

    /// <summary>Completes with the first event of <paramref name="taskId"/> (received or future) matching <paramref name="match"/>.</summary>
    public Task<TaskEvent> WaitForEventAsync(string taskId, Func<TaskEvent, bool> match)
    {
        lock (_lock)
        {
            if (_events.TryGetValue(taskId, out var list) && list.FirstOrDefault(match) is { } received)
            {
                return Task.FromResult(received);
            }

            var done = new TaskCompletionSource<TaskEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((taskId, match, done));
            return done.Task.WaitAsync(TestTimeouts.Default);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var batch = new List<TaskEvent>();
        try
        {
            while (true)
            {
                await _registry.WaitForPendingAsync(_stop.Token);
                while (_registry.TakePending(batch, 16) > 0)
                {
                    Receive(batch);
                    batch.Clear();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private void Receive(List<TaskEvent> batch)
    {
        var lastByTask = new Dictionary<string, ulong>();
        List<(TaskCompletionSource<TaskEvent> Done, TaskEvent Event)> matched = [];
        lock (_lock)
        {
            foreach (var taskEvent in batch)
            {
                if (!_events.TryGetValue(taskEvent.TaskId, out var list))
                {
                    _events[taskEvent.TaskId] = list = [];
                }

                var expected = (ulong)list.Count + 1;
                if (taskEvent.Sequence != expected)
                {
                    _violations.Add($"{taskEvent.TaskId}: got sequence {taskEvent.Sequence}, expected {expected}");
                    continue;
                }

                list.Add(taskEvent);
                lastByTask[taskEvent.TaskId] = taskEvent.Sequence;
                for (var i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (_waiters[i].TaskId == taskEvent.TaskId && _waiters[i].Match(taskEvent))
                    {
                        matched.Add((_waiters[i].Done, taskEvent));
                        _waiters.RemoveAt(i);
                    }
                }
            }
        }

        if (AutoAck)
        {
            foreach (var (taskId, sequence) in lastByTask)
            {
                _registry.Acknowledge(taskId, sequence);
            }
        }

        matched.ForEach(m => m.Done.TrySetResult(m.Event));
    }
}
