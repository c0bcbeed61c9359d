using CortexHub.Grains.Journal;

namespace CortexHub.Grains.Tasks;

/// <summary>A task's persisted state: spec, lifecycle with a timestamp per transition, and its journal summary.</summary>
public sealed record TaskGrainState
{
    public TaskSpec? Spec { get; init; }

    public TaskState State { get; init; }

    public IReadOnlyDictionary<TaskState, DateTimeOffset> Transitions { get; init; } = new Dictionary<TaskState, DateTimeOffset>();

    /// <summary>Every event up to this sequence is durable in the journal.</summary>
    public long AckedSequence { get; init; }

    /// <summary>The buffers, thoughts and counters below include every event up to this sequence.</summary>
    public long AppliedSequence { get; init; }

    public TaskResultInfo? Result { get; init; }

    public HeadTailState? Stdout { get; init; }

    public HeadTailState? Stderr { get; init; }

    public IReadOnlyList<ThoughtRecord> Thoughts { get; init; } = [];

    public int ThoughtBytes { get; init; }

    public long ThoughtsDropped { get; init; }

    public TaskProgressInfo? Progress { get; init; }

    /// <summary>Output bytes stored in full in the journal.</summary>
    public long FullLogBytes { get; init; }

    /// <summary>Output bytes past the full-log cap (only head and tail keep part of them).</summary>
    public long FullLogOmittedBytes { get; init; }

    /// <summary>Last time the task's node was seen serving it (events, re-attachment, liveness checks).</summary>
    public DateTimeOffset? NodeSeenAt { get; init; }
}
