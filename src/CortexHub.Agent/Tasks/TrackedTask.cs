namespace CortexHub.Agent.Tasks;

/// <summary>A task the node holds: its process and its journal of unacknowledged events.</summary>
/// <param name="Runner">Runs the process.</param>
/// <param name="Events">The events the hub has not acknowledged yet.</param>
public sealed record TrackedTask(TaskRunner Runner, TaskEventBuffer Events)
{
    /// <summary>The task's id.</summary>
    public string TaskId => Events.TaskId;
}
