namespace CortexHub.Grains.Tasks;

/// <summary>A change the task state machine does not allow (e.g. a finished task starting again).</summary>
public sealed class InvalidTaskTransitionException(string taskId, TaskState from, TaskState to)
    : InvalidOperationException($"Task {taskId} cannot go from {from} to {to}.")
{
    public string TaskId { get; } = taskId;

    public TaskState From { get; } = from;

    public TaskState To { get; } = to;
}
