namespace CortexHub.Grains.Tasks;

/// <summary>The task state machine: queued → dispatched → running → one terminal state.</summary>
public static class TaskTransitions
{
    public static bool IsTerminal(TaskState state) =>
        state is TaskState.Succeeded or TaskState.Failed or TaskState.Cancelled or TaskState.TimedOut or TaskState.Lost;

    public static bool IsAllowed(TaskState from, TaskState to) => (from, to) switch
    {
        (TaskState.Queued, TaskState.Dispatched) => true,
        (TaskState.Queued or TaskState.Dispatched, TaskState.Running) => true,
        // A result may arrive without a start event (e.g. the command could not be started).
        (TaskState.Queued or TaskState.Dispatched or TaskState.Running, _) when IsTerminal(to) => true,
        _ => false,
    };
}
