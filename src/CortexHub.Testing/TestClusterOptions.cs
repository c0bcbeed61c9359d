using Microsoft.Extensions.DependencyInjection;

namespace CortexHub.Testing;

/// <summary>How a <see cref="TestCluster"/> builds each silo.</summary>
public sealed class TestClusterOptions
{
    /// <summary>Silos started by <see cref="TestCluster.StartAsync"/>. Default 1.</summary>
    public int InitialSilos { get; set; } = 1;

    /// <summary>The store every silo shares.</summary>
    public required TestStorage Storage { get; init; }

    /// <summary>Adds grains and test services to each silo (called once per silo start).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    /// <summary>
    /// Configuration of each silo, on top of fast test timings (heartbeat 200 ms, silo TTL 2 s,
    /// reminder poll 100 ms, idle collection every 250 ms).
    /// </summary>
    public Dictionary<string, string?> Configuration { get; } = new()
    {
        ["CortexHub:Silo:HeartbeatInterval"] = "00:00:00.200",
        ["CortexHub:Silo:SiloTtl"] = "00:00:02",
        ["CortexHub:Silo:ShutdownTimeout"] = "00:00:10",
        ["CortexHub:Reminders:PollInterval"] = "00:00:00.100",
        ["CortexHub:Reminders:LeaseDuration"] = "00:00:05",
        ["CortexHub:Grains:IdleCollectionInterval"] = "00:00:00.250",
    };

    /// <summary>Write silo logs to the console (set CORTEXHUB_TEST_LOGS=1 to turn on for every test).</summary>
    public bool ConsoleLogging { get; set; } = Environment.GetEnvironmentVariable("CORTEXHUB_TEST_LOGS") == "1";
}
