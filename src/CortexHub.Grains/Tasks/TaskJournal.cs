using CortexHub.Grains.Journal;

namespace CortexHub.Grains.Tasks;

/// <summary>A task's journal as callers read it: head/omitted/tail per stream, thoughts, counters.</summary>
public sealed record TaskJournal(
    TaskSnapshot Task,
    TruncatedText Stdout,
    TruncatedText Stderr,
    IReadOnlyList<ThoughtRecord> Thoughts,
    long ThoughtsDropped,
    TaskProgressInfo? Progress,
    long FullLogBytes,
    long FullLogOmittedBytes);
