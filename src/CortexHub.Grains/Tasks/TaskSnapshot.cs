using Orleans;

namespace CortexHub.Grains.Tasks;

/// <param name="Terminal">A session's current terminal size (null for a plain task).</param>
/// <param name="StdinOpen">A plain task that takes input on stdin.</param>
/// <param name="InputBytes">Input bytes taken so far.</param>
/// <param name="OutputBytes">Bytes the task wrote to stdout (a session: to its terminal) so far; listings leave it 0.</param>
[GenerateSerializer, Alias("cortexhub.TaskSnapshot")]
public sealed record TaskSnapshot(
    [property: Id(0)] string TaskId,
    [property: Id(1)] bool Exists,
    [property: Id(2)] TaskSpec? Spec,
    [property: Id(3)] TaskState State,
    [property: Id(4)] IReadOnlyDictionary<TaskState, DateTimeOffset> Transitions,
    [property: Id(5)] long AckedSequence,
    [property: Id(6)] TaskResultInfo? Result,
    [property: Id(7)] TerminalSize? Terminal = null,
    [property: Id(8)] bool StdinOpen = false,
    [property: Id(9)] long InputBytes = 0,
    [property: Id(10)] long OutputBytes = 0)
{
    public bool IsFinished => TaskTransitions.IsTerminal(State);
}
