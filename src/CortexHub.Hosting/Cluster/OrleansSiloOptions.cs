namespace CortexHub.Hosting.Cluster;

/// <summary>
/// The Orleans silo inside <c>cortexhub-silo</c>. Bound from <c>CortexHub:Orleans</c>. The defaults
/// suit small clusters on one network: a SIGKILLed silo is declared dead in about 1–2 seconds.
/// </summary>
public sealed class OrleansSiloOptions
{
    public const string SectionName = "CortexHub:Orleans";

    /// <summary>Where the Orleans dashboard is served on the HTTP port (admins only).</summary>
    public const string DashboardPath = "/orleans";

    public const string DefaultClusterId = "cortexhub";
    public const string DefaultServiceId = "cortexhub";
    public static readonly TimeSpan DefaultResponseTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultProbeTimeout = TimeSpan.FromSeconds(2);
    public const int DefaultMissedProbesLimit = 2;
    public const int DefaultVotesForDeathDeclaration = 2;
    public static readonly TimeSpan DefaultTableRefreshTimeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan DefaultIAmAlivePublishTimeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan DefaultDeathVoteExpiration = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultMinimumReminderPeriod = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultFailoverRetryTimeout = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(30);

    /// <summary>This silo's name in logs and the dashboard. Default: Orleans' (host name plus a number, new per process).</summary>
    public string? SiloName { get; set; }

    /// <summary>
    /// The address other silos reach this one at (containers: not the bind address): an IP or a host
    /// name. Default: this host's first IPv4 address.
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Longest graceful stop (node streams drained, grains deactivated, the silo leaves the cluster). Default 30 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = DefaultShutdownTimeout;

    /// <summary>Silos with the same cluster id (and database) form one cluster. Default <c>cortexhub</c>.</summary>
    public string ClusterId { get; set; } = DefaultClusterId;

    /// <summary>Names the service's grain state and reminders in storage; keep it across deployments. Default <c>cortexhub</c>.</summary>
    public string ServiceId { get; set; } = DefaultServiceId;

    /// <summary>
    /// Silo-to-silo port. 0 (the default) takes a free port at start and records it in the
    /// membership table; set a fixed port where firewalls or containers need one.
    /// </summary>
    public int SiloPort { get; set; }

    /// <summary>
    /// True when the host configures the silo's endpoints and cluster ids itself (and, for SQLite, its
    /// membership): Orleans' TestingHost does. Default false.
    /// </summary>
    public bool HostConfiguresEndpoints { get; set; }

    /// <summary>Port for external Orleans clients; 0 (the default) runs no gateway (the hub's own APIs call grains in-process).</summary>
    public int GatewayPort { get; set; }

    /// <summary>
    /// Longest wait for a grain call's answer. A call in flight to a silo that just died waits this
    /// long, so it is short; Orleans' own default is 30 seconds. Default 10 seconds.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = DefaultResponseTimeout;

    /// <summary>
    /// How long a silo waits for a probe answer before counting it missed (also the probe period).
    /// Default 2 seconds (Orleans: 5): with 2 missed probes, a SIGKILLed silo is suspected after
    /// about 4 seconds. 1 second got a healthy silo declared dead while it joined a loaded 2-core
    /// machine (a rolling restart under load).
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = DefaultProbeTimeout;

    /// <summary>Missed probes before a silo suspects another. Default 2 (Orleans: 3).</summary>
    public int MissedProbesLimit { get; set; } = DefaultMissedProbesLimit;

    /// <summary>
    /// Suspicions needed to declare a silo dead (fewer when fewer silos are left to vote). Default 2
    /// (as Orleans): with 1, one starved silo's view can kill a healthy one (seen on a loaded 2-core machine).
    /// </summary>
    public int VotesForDeathDeclaration { get; set; } = DefaultVotesForDeathDeclaration;

    /// <summary>How often each silo re-reads the membership table. Default 2 seconds (Orleans: 60).</summary>
    public TimeSpan TableRefreshTimeout { get; set; } = DefaultTableRefreshTimeout;

    /// <summary>How often each silo writes its heartbeat to the table. Default 2 seconds (Orleans: 30).</summary>
    public TimeSpan IAmAlivePublishTimeout { get; set; } = DefaultIAmAlivePublishTimeout;

    /// <summary>How long a suspicion counts. Default 10 seconds (Orleans: 2 minutes).</summary>
    public TimeSpan DeathVoteExpiration { get; set; } = DefaultDeathVoteExpiration;

    /// <summary>Shortest reminder period accepted. Default 1 second (Orleans: 1 minute).</summary>
    public TimeSpan MinimumReminderPeriod { get; set; } = DefaultMinimumReminderPeriod;

    /// <summary>
    /// How long a call to an <see cref="CortexHub.Grains.IdempotentAttribute">idempotent</see> grain
    /// method keeps being retried while its target silo is unreachable (it has died but is not yet
    /// declared dead, after which the grain activates elsewhere). Longer than failure detection
    /// (missed probes × probe timeout plus a table refresh). Default 20 seconds; zero turns retries off.
    /// </summary>
    public TimeSpan FailoverRetryTimeout { get; set; } = DefaultFailoverRetryTimeout;

    /// <summary>
    /// Serves the Orleans dashboard (silos, grains, calls, reminders) at <see cref="DashboardPath"/>
    /// to admins. Its per-call profiling runs only while someone watches. Default true.
    /// </summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>The options as configured (defaults where unset).</summary>
    public static OrleansSiloOptions Read(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        Microsoft.Extensions.Configuration.ConfigurationBinder.Get<OrleansSiloOptions>(configuration.GetSection(SectionName)) ?? new OrleansSiloOptions();
}
