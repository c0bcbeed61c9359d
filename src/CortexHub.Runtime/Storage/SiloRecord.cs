namespace CortexHub.Runtime.Storage;

/// <summary>One row of the cluster table.</summary>
public sealed record SiloRecord(
    string SiloId,
    string Address,
    DateTimeOffset StartedAt,
    DateTimeOffset HeartbeatAt,
    SiloStatus Status);
