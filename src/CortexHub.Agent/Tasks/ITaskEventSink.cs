using CortexHub.Protocol.V1;

namespace CortexHub.Agent.Tasks;

/// <summary>Where a <see cref="TaskRunner"/> puts the events of its task. <see cref="TaskEventBuffer"/> is the real one.</summary>
public interface ITaskEventSink
{
    /// <summary>
    /// Appends <paramref name="taskEvent"/> to the task's journal: sets its task id and next sequence number and
    /// keeps it until the hub acknowledges it. Output events wait here while the task's unacknowledged output is
    /// at its limit; that wait is the backpressure that stops the pipes from being read.
    /// </summary>
    /// <returns>The event as journaled (the same instance, with its sequence number).</returns>
    ValueTask<TaskEvent> PublishAsync(TaskEvent taskEvent, CancellationToken cancellationToken);
}
