using CortexHub.Grains.Journal;
using Orleans;

namespace CortexHub.Grains.Tasks;

/// <summary>A task's journal as callers read it: head/omitted/tail per stream, thoughts, counters.</summary>
[GenerateSerializer, Alias("cortexhub.TaskJournal")]
public sealed record TaskJournal(
    [property: Id(0)] TaskSnapshot Task,
    [property: Id(1)] TruncatedText Stdout,
    [property: Id(2)] TruncatedText Stderr,
    [property: Id(3)] IReadOnlyList<ThoughtRecord> Thoughts,
    [property: Id(4)] long ThoughtsDropped,
    [property: Id(5)] TaskProgressInfo? Progress,
    [property: Id(6)] long FullLogBytes,
    [property: Id(7)] long FullLogOmittedBytes);
