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
    public bool IsFinished => TaskTransitions.IsTerminal(State);
}
