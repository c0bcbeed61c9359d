using Orleans;

namespace CortexHub.Grains.Tasks;

/// <summary>
/// One journal event. <see cref="Data"/> holds raw output bytes for output events and UTF-8 text
/// (thought text, progress JSON, result JSON, start pid) for the others.
/// </summary>
/// <remarks>
/// Immutable for Orleans: a call to a task grain on the same silo (the gateway places it there)
/// passes records without copying them, payload included. Nothing changes a record's bytes after
/// it is built; a changed row is a new record (<c>e with { Data = [] }</c>).
/// </remarks>
[GenerateSerializer, Immutable, Alias("cortexhub.TaskEventRecord")]
public sealed record TaskEventRecord([property: Id(0)] long Sequence, [property: Id(1)] TaskEventKind Kind, [property: Id(2)] OutputStreamKind Stream, [property: Id(3)] byte[] Data, [property: Id(4)] DateTimeOffset? At = null);
