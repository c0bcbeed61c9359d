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

    /// <summary>Configuration of each silo, on top of a 10 s bound on graceful stops.</summary>
    public Dictionary<string, string?> Configuration { get; } = new()
    {
        ["CortexHub:Orleans:ShutdownTimeout"] = "00:00:10",
    };

    /// <summary>Write silo logs to the console (set CORTEXHUB_TEST_LOGS=1 to turn on for every test).</summary>
    public bool ConsoleLogging { get; set; } = Environment.GetEnvironmentVariable("CORTEXHUB_TEST_LOGS") == "1";
}
