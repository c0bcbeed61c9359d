namespace CortexHub.Grains.Tasks;

/// <summary>A task's persisted state: spec, lifecycle with a timestamp per transition, and the journal position.</summary>
public sealed record TaskGrainState
{
    public TaskSpec? Spec { get; init; }

    public TaskState State { get; init; }

    public IReadOnlyDictionary<TaskState, DateTimeOffset> Transitions { get; init; } = new Dictionary<TaskState, DateTimeOffset>();

    /// <summary>Every event up to this sequence is durable in the journal.</summary>
    public long AckedSequence { get; init; }

    public TaskResultInfo? Result { get; init; }
}
