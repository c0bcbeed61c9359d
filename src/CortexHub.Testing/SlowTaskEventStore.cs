using CortexHub.Grains.Storage;
using CortexHub.Grains.Tasks;

namespace CortexHub.Testing;

/// <summary>
/// Fault injection for the task journal: appends for tasks whose id starts with
/// <paramref name="slowPrefix"/> wait until <paramref name="gate"/> completes (storage hung for
/// those rows only); reads and every other task pass straight through.
/// </summary>
public sealed class SlowTaskEventStore(ITaskEventStore inner, string slowPrefix, Task gate) : ITaskEventStore
{
    public async Task TaskEventsAppendAsync(string taskId, IReadOnlyList<TaskEventRecord> events, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (taskId.StartsWith(slowPrefix, StringComparison.Ordinal))
        {
            await gate.WaitAsync(cancellationToken);
        }

        await inner.TaskEventsAppendAsync(taskId, events, now, cancellationToken);
    }

    public Task TaskEventsDeleteAsync(string taskId, CancellationToken cancellationToken = default) => inner.TaskEventsDeleteAsync(taskId, cancellationToken);

    public Task<long> TaskEventsLastSequenceAsync(string taskId, CancellationToken cancellationToken = default) => inner.TaskEventsLastSequenceAsync(taskId, cancellationToken);

    public Task<IReadOnlyList<TaskEventRecord>> TaskEventsReadAsync(string taskId, long afterSequence, int limit, CancellationToken cancellationToken = default) =>
        inner.TaskEventsReadAsync(taskId, afterSequence, limit, cancellationToken);
}
