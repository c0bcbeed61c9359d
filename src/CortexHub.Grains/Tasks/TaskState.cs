namespace CortexHub.Grains.Tasks;

/// <summary>A task's lifecycle. Terminal states never change again.</summary>
public enum TaskState
{
    Queued,
    Dispatched,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    TimedOut,
    Lost,
}
