namespace CortexHub.Grains.Tasks;

public sealed record TaskSnapshot(
    string TaskId,
    bool Exists,
    TaskSpec? Spec,
    TaskState State,
    IReadOnlyDictionary<TaskState, DateTimeOffset> Transitions,
    long AckedSequence,
    TaskResultInfo? Result)
{
    public bool IsFinished => State is TaskState.Succeeded or TaskState.Failed or TaskState.Cancelled or TaskState.TimedOut or TaskState.Lost;
}
