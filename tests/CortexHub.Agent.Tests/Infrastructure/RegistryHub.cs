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
    private readonly List<(string TaskId, string Text, TaskCompletionSource<string> Done)> _outputWaiters = [];
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

    /// <summary>All stdout received for <paramref name="taskId"/>, as UTF-8 text.</summary>
    public string OutputOf(string taskId)
    {
        lock (_lock)
        {
            return OutputOfLocked(taskId);
        }
    }

    /// <summary>Completes with the task's whole stdout once it contains <paramref name="text"/> (chunks may split it anywhere).</summary>
    public Task<string> WaitForOutputAsync(string taskId, string text)
    {
        lock (_lock)
        {
            var output = OutputOfLocked(taskId);
            if (output.Contains(text, StringComparison.Ordinal))
            {
                return Task.FromResult(output);
            }

            var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _outputWaiters.Add((taskId, text, done));
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
        List<(TaskCompletionSource<string> Done, string Output)> outputMatched = [];
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

            for (var i = _outputWaiters.Count - 1; i >= 0; i--)
            {
                var (taskId, text, done) = _outputWaiters[i];
                if (lastByTask.ContainsKey(taskId) && OutputOfLocked(taskId) is var output && output.Contains(text, StringComparison.Ordinal))
                {
                    outputMatched.Add((done, output));
                    _outputWaiters.RemoveAt(i);
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
        outputMatched.ForEach(m => m.Done.TrySetResult(m.Output));
    }

    private string OutputOfLocked(string taskId) =>
        _events.TryGetValue(taskId, out var list)
            ? System.Text.Encoding.UTF8.GetString([.. list.Where(e => e.EventCase == TaskEvent.EventOneofCase.Output && e.Output.Stream == OutputStream.Stdout).SelectMany(e => e.Output.Data.ToByteArray())])
            : "";
}
