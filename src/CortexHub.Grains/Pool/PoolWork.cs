namespace CortexHub.Grains.Pool;

/// <summary>What a pool item runs once claimed: the same command spec as a task dispatched to a node.</summary>
public sealed record PoolWork(
    string Command,
    string? WorkingDirectory = null,
    IReadOnlyDictionary<string, string>? Environment = null,
    TimeSpan? Timeout = null);
