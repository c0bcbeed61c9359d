namespace CortexHub.Agent.Tests.Infrastructure;

/// <summary>
/// Forwards to a real <see cref="TaskEventBuffer"/> (which numbers the events) and lets a test await an event
/// matching a condition instead of sleeping.
/// </summary>
public sealed class RecordingSink(TaskEventBuffer inner) : ITaskEventSink
{
    private readonly Lock _lock = new();
    private readonly List<TaskEvent> _events = [];
    private readonly List<(Func<TaskEvent, bool> Match, TaskCompletionSource<TaskEvent> Done)> _waiters = [];

    public TaskEventBuffer Buffer => inner;

    public IReadOnlyList<TaskEvent> Events
    {
        get { lock (_lock) { return [.. _events]; } }
    }

    public async ValueTask<TaskEvent> PublishAsync(TaskEvent taskEvent, CancellationToken cancellationToken)
    {
        var published = await inner.PublishAsync(taskEvent, cancellationToken);
        List<TaskCompletionSource<TaskEvent>> matched = [];
        lock (_lock)
        {
            _events.Add(published);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(published))
                {
                    matched.Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        matched.ForEach(done => done.TrySetResult(published));
        return published;
    }

    /// <summary>Completes with the first event (already published or future) matching <paramref name="match"/>.</summary>
    public Task<TaskEvent> WaitForAsync(Func<TaskEvent, bool> match)
    {
        lock (_lock)
        {
            if (_events.FirstOrDefault(match) is { } existing)
            {
                return Task.FromResult(existing);
            }

            var done = new TaskCompletionSource<TaskEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
            return done.Task.WaitAsync(TestTimeouts.Default);
        }
    }

    /// <summary>All stdout bytes published so far, concatenated.</summary>
    public byte[] Output(OutputStream stream)
    {
        lock (_lock)
        {
            return [.. _events.Where(e => e.EventCase == TaskEvent.EventOneofCase.Output && e.Output.Stream == stream)
                .SelectMany(e => e.Output.Data.ToByteArray())];
        }
    }
}
