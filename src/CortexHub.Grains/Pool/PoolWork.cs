using Orleans;

namespace CortexHub.Grains.Pool;

/// <summary>What a pool item runs once claimed: the same command spec as a task dispatched to a node.</summary>
[GenerateSerializer, Alias("cortexhub.PoolWork")]
public sealed record PoolWork(
    [property: Id(0)] string Command,
    [property: Id(1)] string? WorkingDirectory = null,
    [property: Id(2)] IReadOnlyDictionary<string, string>? Environment = null,
    [property: Id(3)] TimeSpan? Timeout = null);
