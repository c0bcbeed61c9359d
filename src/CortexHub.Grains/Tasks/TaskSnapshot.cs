using Orleans;

namespace CortexHub.Grains.Tasks;

[GenerateSerializer, Alias("cortexhub.TaskSnapshot")]
public sealed record TaskSnapshot(
    [property: Id(0)] string TaskId,
    [property: Id(1)] bool Exists,
    [property: Id(2)] TaskSpec? Spec,
    [property: Id(3)] TaskState State,
    [property: Id(4)] IReadOnlyDictionary<TaskState, DateTimeOffset> Transitions,
    [property: Id(5)] long AckedSequence,
    [property: Id(6)] TaskResultInfo? Result)
{
    public bool IsFinished => TaskTransitions.IsTerminal(State);
}
