namespace CortexHub.Runtime.Storage;

/// <summary>A grain's stored state: the serialized payload (null when never written or cleared) and its version.</summary>
public sealed record GrainStateRecord(string? Payload, long Version)
{
    public static GrainStateRecord Empty { get; } = new(null, 0);
}
