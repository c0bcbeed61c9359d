using Orleans;

namespace CortexHub.Grains.Pool;

/// <summary>The reaper's silo (Orleans silo address) and the sweeps run on that silo.</summary>
[GenerateSerializer, Alias("cortexhub.PoolReaperStatus")]
public sealed record PoolReaperStatus([property: Id(0)] string Silo, [property: Id(1)] int Sweeps);
