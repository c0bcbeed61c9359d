namespace CortexHub.Grains.Tasks;

/// <summary>
/// One journal event. <see cref="Data"/> holds raw output bytes for output events and UTF-8 text
/// (thought text, progress JSON, result JSON, start pid) for the others.
/// </summary>
public sealed record TaskEventRecord(long Sequence, TaskEventKind Kind, OutputStreamKind Stream, byte[] Data, DateTimeOffset? At = null);
