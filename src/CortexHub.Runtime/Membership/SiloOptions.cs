namespace CortexHub.Runtime.Membership;

/// <summary>This silo's identity and cluster-table timing. Bound from <c>CortexHub:Silo</c>.</summary>
public sealed class SiloOptions
{
    public const string SectionName = "CortexHub:Silo";

    public static readonly TimeSpan DefaultHeartbeatInterval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultSiloTtl = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Unique id of this silo in the cluster table. Default: the host name plus a random suffix, new per process.</summary>
    public string? SiloId { get; set; }

    /// <summary>The address other silos and load balancers reach this silo at (containers: not the bind address). Default: the host name.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>How often the silo writes its heartbeat and looks for dead silos. Default 5 seconds.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = DefaultHeartbeatInterval;

    /// <summary>A silo silent for this long is declared dead and its leases are released. At least twice the heartbeat interval. Default 30 seconds.</summary>
    public TimeSpan SiloTtl { get; set; } = DefaultSiloTtl;

    /// <summary>Longest graceful shutdown (deactivations, lease release) before the silo exits anyway. Default 30 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = DefaultShutdownTimeout;
}
