using CortexHub.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace CortexHub.Testing;

/// <summary>
/// N silos in one process against one store, used by tests the way a user runs a cluster:
/// start, get grain references from any silo, stop one gracefully, kill one abruptly, restart it.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly TestClusterOptions _options;
    private readonly List<TestSilo> _silos = [];
    private int _generation;

    private TestCluster(TestClusterOptions options) => _options = options;

    public IReadOnlyList<TestSilo> Silos => _silos;

    public TestSilo this[int index] => _silos[index];

    public TestStorage Storage => _options.Storage;

    public static async Task<TestCluster> StartAsync(TestClusterOptions options)
    {
        var cluster = new TestCluster(options);
        try
        {
            for (var i = 0; i < options.InitialSilos; i++)
            {
                cluster._silos.Add(await cluster.StartSiloHostAsync());
            }
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>A grain reference through silo <paramref name="silo"/> (the call runs there).</summary>
    public TGrain GetGrain<TGrain>(string key, int silo = 0) where TGrain : Orleans.IGrainWithStringKey => _silos[silo].GetGrain<TGrain>(key);

    /// <summary>Starts one more silo and returns its index.</summary>
    public async Task<int> AddSiloAsync()
    {
        _silos.Add(await StartSiloHostAsync());
        return _silos.Count - 1;
    }

    public Task StopSiloAsync(int index) => _silos[index].StopAsync();

    public void KillSilo(int index) => _silos[index].Kill();

    /// <summary>Starts a fresh silo process in place of silo <paramref name="index"/> (which must be stopped or killed).</summary>
    public async Task<TestSilo> RestartSiloAsync(int index)
    {
        if (_silos[index].IsRunning)
        {
            throw new InvalidOperationException($"Silo {index} ({_silos[index].SiloId}) is still running; stop or kill it first.");
        }

        _silos[index] = await StartSiloHostAsync();
        return _silos[index];
    }

    /// <summary>Polls a condition that has no signal to await, failing with <paramref name="what"/> after the timeout.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!await condition())
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting until {what}.");
            }
        }
    }

    /// <summary>
    /// Builds a complete silo (the same composition as the executable: storage, runtime, grains,
    /// gateway, HTTP and gRPC on free loopback ports) without starting it.
    /// </summary>
    public static WebApplication BuildSiloHost(TestClusterOptions options, string siloName)
    {
        var builder = SiloProgram.CreateBuilder([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(options.Configuration);
            builder.Configuration.AddInMemoryCollection(options.Storage.Configuration());
            builder.Configuration.AddInMemoryCollection(
            [
                new("CortexHub:Orleans:SiloName", siloName),
                new("CortexHub:Orleans:AdvertisedAddress", "127.0.0.1"),
                new("CortexHub:Endpoints:BindAddress", "127.0.0.1"),
                new("CortexHub:Endpoints:HttpPort", "0"),
                new("CortexHub:Endpoints:GrpcPort", "0"),
            ]);
            options.ConfigureServices?.Invoke(builder.Services);
        });

        // After the composition, so its console logger is replaced too.
        builder.Logging.ClearProviders();
        if (options.ConsoleLogging)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Debug);
        }

        var app = builder.Build();
        app.MapCortexHub();
        return app;
    }

    private async Task<TestSilo> StartSiloHostAsync()
    {
        var host = BuildSiloHost(_options, $"silo-{Interlocked.Increment(ref _generation)}-{Guid.NewGuid().ToString("N")[..4]}");
        try
        {
            await host.StartAsync();
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return new TestSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.StopAsync();
        }

        _options.Storage.Dispose();
    }
}
