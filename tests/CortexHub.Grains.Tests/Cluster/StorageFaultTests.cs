using CortexHub.Storage;
using Microsoft.Extensions.Hosting;

namespace CortexHub.Grains.Tests.Cluster;

/// <summary>What a silo does when its database is missing, goes away, or holds a grain state it cannot read.</summary>
public sealed class StorageFaultTests
{
    [Fact]
    public async Task Start_DatabaseUnreachable_FailsWithClearMessage()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var options = new TestClusterOptions { Storage = TestStorage.ForPostgres($"Host=127.0.0.1;Port={closedPort};Username=postgres;Timeout=2", "unreachable") };
        using var host = TestCluster.BuildSiloHost(options, "unreachable-silo");

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => host.StartAsync());

        Assert.Contains($"127.0.0.1:{closedPort}", error.Message);
        Assert.Contains("unavailable", error.Message);
    }

    [Fact]
    public async Task Calls_PostgresRestarted_FailWhileItIsDownThenRecoverWithNothingAcknowledgedLost()
    {
        await using var server = await PostgresServer.StartAsync();
        var storage = TestStorage.ForPostgres(server.ConnectionString, "outage");
        var cluster = await OrleansTestCluster.StartAsync(storage);
        await using var _ = cluster;
        var grain = cluster.Client.GetGrain<ICounterGrain>("outage");
        Assert.Equal(1, await grain.IncrementAsync());

        await server.StopAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => grain.IncrementAsync());

        await server.StartAgainAsync();
        long value = 0;
        await TestCluster.WaitUntilAsync(async () =>
        {
            try
            {
                value = await grain.IncrementAsync();
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), "calls succeed again after PostgreSQL returned");

        // The failed increment was never acknowledged and no later write smuggled it in.
        Assert.Equal(2, value);
        await grain.DeactivateAsync();
        Assert.Equal(2, await grain.GetAsync());
    }

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task CorruptState_CallsFailNamingTheGrain_SiloKeepsServing(StorageKind kind)
    {
        using var storage = await TestStorage.CreateAsync(kind);
        var cluster = await OrleansTestCluster.StartAsync(storage);
        await using var _ = cluster;
        var healthy = cluster.Client.GetGrain<ICounterGrain>("healthy");
        var broken = cluster.Client.GetGrain<ICounterGrain>("broken");
        await healthy.IncrementAsync();
        await broken.IncrementAsync();
        await broken.DeactivateAsync();
        await storage.ExecuteScalarAsync(
            "UPDATE orleans_state SET payload = " + (kind == StorageKind.Sqlite ? "x'00ff00ff'" : "'\\x00ff00ff'::bytea") + " WHERE grain_key LIKE '%/broken'");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => broken.GetAsync());

        Assert.Contains("broken", error.ToString());
        Assert.Equal(2, await healthy.IncrementAsync());
        // Not wedged either: every call tells the caller why.
        await Assert.ThrowsAnyAsync<Exception>(() => broken.IncrementAsync());
    }
}
