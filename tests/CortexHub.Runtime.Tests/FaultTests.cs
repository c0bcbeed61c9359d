using CortexHub.Runtime.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CortexHub.Runtime.Tests;

public sealed class FaultTests
{
    [Fact]
    public async Task Start_DatabaseUnreachable_FailsWithClearMessage()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var options = new TestClusterOptions
        {
            Storage = TestStorage.ForPostgres($"Host=127.0.0.1;Port={closedPort};Username=postgres;Timeout=2", "unreachable"),
            ConfigureServices = s => s.AddGrain<CounterGrain>().AddSingleton(new GrainProbe()),
        };
        using var host = TestCluster.BuildSiloHost(options, "unreachable-silo");

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => host.StartAsync());

        Assert.Contains($"127.0.0.1:{closedPort}", error.Message);
        Assert.Contains("unavailable", error.Message);
    }

    [Fact]
    public async Task Calls_DatabaseLostWhileRunning_FailClearlyAndRecoverWhenItReturns()
    {
        await using var server = await PostgresServer.StartAsync();
        var storage = TestStorage.ForPostgres(server.ConnectionString, "outage");
        var probe = new GrainProbe();
        await using var cluster = await TestCluster.StartAsync(new TestClusterOptions
        {
            Storage = storage,
            ConfigureServices = s => s.AddSingleton(probe).AddGrain<CounterGrain>(),
        });
        var grain = cluster.GetGrain<ICounterGrain>("outage");
        Assert.Equal(1, await grain.IncrementAsync(1));

        await server.StopAsync();
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => grain.IncrementAsync(1));
        Assert.Contains("unavailable", error.Message);

        await server.StartAgainAsync();
        long value = 0;
        await TestCluster.WaitUntilAsync(async () =>
        {
            try
            {
                value = await grain.IncrementAsync(1);
                return true;
            }
            catch (StorageUnavailableException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20), "calls succeed again after PostgreSQL returned");

        // The failed increment was never committed, and the activation did not smuggle it in later.
        Assert.Equal(2, value);
        Assert.True(cluster[0].IsRunning);
    }
}
