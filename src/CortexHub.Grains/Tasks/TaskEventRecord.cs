using Orleans;

namespace CortexHub.Grains.Tasks;

/// <summary>
/// One journal event. <see cref="Data"/> holds raw output bytes for output events and UTF-8 text
/// (thought text, progress JSON, result JSON, start pid) for the others.
/// </summary>
[GenerateSerializer, Alias("cortexhub.TaskEventRecord")]
public sealed record TaskEventRecord([property: Id(0)] long Sequence, [property: Id(1)] TaskEventKind Kind, [property: Id(2)] OutputStreamKind Stream, [property: Id(3)] byte[] Data, [property: Id(4)] DateTimeOffset? At = null);
