using CortexHub.Grains.Journal;
using Orleans;

namespace CortexHub.Grains.Tasks;

/// <summary>A task's persisted state: spec, lifecycle with a timestamp per transition, and its journal summary.</summary>
[GenerateSerializer, Alias("cortexhub.TaskGrainState")]
public sealed record TaskGrainState
{
    [Id(0)]
    public TaskSpec? Spec { get; init; }

    [Id(1)]
    public TaskState State { get; init; }

    [Id(2)]
    public IReadOnlyDictionary<TaskState, DateTimeOffset> Transitions { get; init; } = new Dictionary<TaskState, DateTimeOffset>();

    /// <summary>Every event up to this sequence is durable in the journal.</summary>
    [Id(3)]
    public long AckedSequence { get; init; }

    /// <summary>The buffers, thoughts and counters below include every event up to this sequence.</summary>
    [Id(4)]
    public long AppliedSequence { get; init; }

    [Id(5)]
    public TaskResultInfo? Result { get; init; }

    [Id(6)]
    public HeadTailState? Stdout { get; init; }

    [Id(7)]
    public HeadTailState? Stderr { get; init; }

    [Id(8)]
    public IReadOnlyList<ThoughtRecord> Thoughts { get; init; } = [];

    [Id(9)]
    public int ThoughtBytes { get; init; }

    [Id(10)]
    public long ThoughtsDropped { get; init; }

    [Id(11)]
    public TaskProgressInfo? Progress { get; init; }

    /// <summary>Output bytes stored in full in the journal.</summary>
    [Id(12)]
    public long FullLogBytes { get; init; }

    /// <summary>Output bytes past the full-log cap (only head and tail keep part of them).</summary>
    [Id(13)]
    public long FullLogOmittedBytes { get; init; }

    /// <summary>Last time the task's node was seen serving it (events, re-attachment, liveness checks).</summary>
    [Id(14)]
    public DateTimeOffset? NodeSeenAt { get; init; }
}
