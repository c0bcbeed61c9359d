using CortexHub.Grains.Tasks;

namespace CortexHub.Grains.Storage;

/// <summary>The durable journal of task events, unique per (task, sequence): a resent event is stored once.</summary>
public interface ITaskEventStore
{
    /// <summary>Stores a batch in one round trip where the backend allows; events already stored are ignored.</summary>
    Task TaskEventsAppendAsync(string taskId, IReadOnlyList<TaskEventRecord> events, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Removes a task's whole journal (retention purge).</summary>
    Task TaskEventsDeleteAsync(string taskId, CancellationToken cancellationToken = default);

    /// <summary>The highest stored sequence of a task (0 when none). Events are stored only in order, so this is the durable position.</summary>
    Task<long> TaskEventsLastSequenceAsync(string taskId, CancellationToken cancellationToken = default);

    /// <summary>Events with sequence above <paramref name="afterSequence"/>, in order.</summary>
    Task<IReadOnlyList<TaskEventRecord>> TaskEventsReadAsync(string taskId, long afterSequence, int limit, CancellationToken cancellationToken = default);
}
