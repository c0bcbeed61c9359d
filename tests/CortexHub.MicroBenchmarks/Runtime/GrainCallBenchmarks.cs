using BenchmarkDotNet.Attributes;
using CortexHub.Runtime;
using CortexHub.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CortexHub.MicroBenchmarks.Runtime;

/// <summary>
/// A call on an already-active grain, one caller at a time: grain reference (DispatchProxy) →
/// work item in the grain's mailbox → a thread-pool turn → the caller's task completes. The silo
/// is the runtime alone (no gateway, API or Kestrel) on a throwaway SQLite store, started like a
/// real one; the grain never touches storage.
/// </summary>
[MemoryDiagnoser]
public class GrainCallBenchmarks
{
    private const string GrainKey = "bench";

    private string _dataDirectory = null!;
    private IHost _silo = null!;
    private IGrainFactory _grains = null!;
    private IPingGrain _ping = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dataDirectory = Path.Combine(Path.GetTempPath(), "cortexhub-microbench-" + Guid.NewGuid().ToString("N")[..12]);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{SqliteStorageOptions.SectionName}:{nameof(SqliteStorageOptions.DataDirectory)}"] = _dataDirectory,

            // The activation must outlive the run; the default idle age (5 minutes) is close to a full run's length.
            [$"{GrainRuntimeOptions.SectionName}:{nameof(GrainRuntimeOptions.IdleDeactivationAge)}"] = "01:00:00",
        });
        builder.Services
            .AddCortexHubSqliteStorage(builder.Configuration)
            .AddCortexHubRuntime(builder.Configuration)
            .AddGrain<PingGrain>();
        _silo = builder.Build();

        // BenchmarkDotNet setups are synchronous; a console process has no context to deadlock on.
        _silo.StartAsync().GetAwaiter().GetResult();
        _grains = _silo.Services.GetRequiredService<IGrainFactory>();
        _ping = _grains.GetGrain<IPingGrain>(GrainKey);
        _ping.PingAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _silo.StopAsync().GetAwaiter().GetResult();
        _silo.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    /// <summary>The call alone, on a reference the caller holds.</summary>
    [Benchmark]
    public Task<long> CallActiveGrain() => _ping.PingAsync();

    /// <summary>A fresh reference per call, as request handlers do (GetGrain makes a new proxy).</summary>
    [Benchmark]
    public Task<long> GetGrainAndCall() => _grains.GetGrain<IPingGrain>(GrainKey).PingAsync();
}
