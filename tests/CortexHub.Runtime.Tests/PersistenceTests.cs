using CortexHub.Runtime.Tests.Grains;

namespace CortexHub.Runtime.Tests;

public sealed class PersistenceTests
{
    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task State_SiloKilledAndRestarted_Survives(StorageKind kind)
    {
        await using var cluster = await ClusterFixture.StartAsync(kind);
        for (var i = 0; i < 5; i++)
        {
            await cluster.GetGrain<ICounterGrain>("durable").IncrementAsync(10);
        }

        cluster.KillSilo(0);
        await cluster.RestartSiloAsync(0);

        Assert.Equal(50, await cluster.GetGrain<ICounterGrain>("durable").GetAsync());
        Assert.Equal(51, await cluster.GetGrain<ICounterGrain>("durable").IncrementAsync(1));
    }

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task State_KilledSilo_LosesOnlyUnwrittenChanges(StorageKind kind)
    {
        await using var cluster = await ClusterFixture.StartAsync(kind);
        var grain = cluster.GetGrain<ICounterGrain>("crash");
        await grain.IncrementAsync(3);
        await grain.SetWithoutWritingAsync(1000);

        cluster.KillSilo(0);
        await cluster.RestartSiloAsync(0);

        // A crash runs no deactivation, so the in-memory-only change is gone; the written one is not.
        Assert.Equal(3, await cluster.GetGrain<ICounterGrain>("crash").GetAsync());
    }

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task State_GracefulStop_SavesUnwrittenState(StorageKind kind)
    {
        var probe = new GrainProbe();
        await using var cluster = await ClusterFixture.StartAsync(kind, probe: probe);
        await cluster.GetGrain<ICounterGrain>("graceful").SetWithoutWritingAsync(42);

        await cluster.StopSiloAsync(0);
        await cluster.RestartSiloAsync(0);

        Assert.Equal(1, probe.Count("deactivate:SiloShutdown", "graceful"));
        Assert.Equal(42, await cluster.GetGrain<ICounterGrain>("graceful").GetAsync());
    }

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task State_IdleDeactivation_ReactivationRestoresState(StorageKind kind)
    {
        var probe = new GrainProbe();
        await using var cluster = await ClusterFixture.StartAsync(kind, probe: probe,
            configure: o => o.Configuration["CortexHub:Grains:IdleDeactivationAge"] = "00:00:00.300");
        var deactivated = probe.WaitForAsync("deactivate:Idle", "idle", TimeSpan.FromSeconds(10));
        await cluster.GetGrain<ICounterGrain>("idle").IncrementAsync(5);
        await cluster.GetGrain<ICounterGrain>("idle").SetWithoutWritingAsync(9);

        await deactivated;
        await TestCluster.WaitUntilAsync(() => Task.FromResult(cluster[0].Services.GetActivationCount() == 0), TimeSpan.FromSeconds(5), "the idle activation left the directory");

        Assert.Equal(9, await cluster.GetGrain<ICounterGrain>("idle").GetAsync());
        Assert.Equal(2, probe.Count("activate", "idle"));
    }

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task State_RequestedDeactivation_NextCallReactivatesWithState(StorageKind kind)
    {
        var probe = new GrainProbe();
        await using var cluster = await ClusterFixture.StartAsync(kind, probe: probe);
        var grain = cluster.GetGrain<ICounterGrain>("requested");
        await grain.IncrementAsync(4);

        await grain.DeactivateAsync();

        Assert.Equal(4, await grain.GetAsync());
        Assert.Equal(1, probe.Count("deactivate:Requested", "requested"));
        Assert.Equal(2, probe.Count("activate", "requested"));
    }

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task State_CorruptRow_TypedErrorNamesGrainAndSiloKeepsServing(StorageKind kind)
    {
        await using var cluster = await ClusterFixture.StartAsync(kind);
        await cluster.GetGrain<ICounterGrain>("healthy").IncrementAsync(1);
        await cluster.Storage.ExecuteScalarAsync(
            "INSERT INTO grain_state (grain_type, grain_key, version, payload, updated_at) VALUES ('test-counter', 'broken', 1, '{\"value\": \"not a number\"', " +
            (kind == StorageKind.Sqlite ? "0" : "now()") + ")");

        var error = await Assert.ThrowsAsync<GrainStateCorruptException>(() => cluster.GetGrain<ICounterGrain>("broken").GetAsync());

        Assert.Equal("test-counter", error.GrainType);
        Assert.Equal("broken", error.GrainKey);
        Assert.Contains("test-counter/broken", error.Message);
        Assert.Equal(2, await cluster.GetGrain<ICounterGrain>("healthy").IncrementAsync(1));
        // The broken grain is not wedged either: every call tells the caller why.
        await Assert.ThrowsAsync<GrainStateCorruptException>(() => cluster.GetGrain<ICounterGrain>("broken").IncrementAsync(1));
    }
}
