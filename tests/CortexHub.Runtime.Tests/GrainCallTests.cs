using CortexHub.Runtime.Tests.Grains;

namespace CortexHub.Runtime.Tests;

public sealed class GrainCallTests
{
    [Fact]
    public async Task Calls_ManyConcurrent_RunOneAtATimeInArrivalOrder()
    {
        await using var cluster = await ClusterFixture.StartAsync(StorageKind.Sqlite);
        var grain = cluster.GetGrain<ISequenceGrain>("seq");

        // Issued from one thread without awaiting in between: arrival order is 0..999.
        var calls = Enumerable.Range(0, 1000).Select(i => grain.AppendAsync(i).AsTask()).ToList();
        await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 1000), await grain.GetAsync());
        Assert.Equal(1, await grain.GetMaxConcurrencyAsync());
    }

    [Fact]
    public async Task Call_FirstCall_ActivatesOnceAndLaterCallsReuseIt()
    {
        var probe = new GrainProbe();
        await using var cluster = await ClusterFixture.StartAsync(StorageKind.Sqlite, probe: probe);

        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => cluster.GetGrain<ICounterGrain>("once").IncrementAsync(1)));

        Assert.Equal(50, await cluster.GetGrain<ICounterGrain>("once").GetAsync());
        Assert.Equal(1, probe.Count("activate", "once"));
    }

    [Fact]
    public async Task Call_GrainThrows_CallerSeesExceptionAndGrainKeepsServing()
    {
        await using var cluster = await ClusterFixture.StartAsync(StorageKind.Sqlite);
        var grain = cluster.GetGrain<ISequenceGrain>("throws");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.FailAsync("boom"));
        await grain.AppendAsync(7);

        Assert.Equal("boom", error.Message);
        Assert.Equal([7], await grain.GetAsync());
    }

    [Fact]
    public async Task GetGrain_UnregisteredInterface_ThrowsNamingIt()
    {
        await using var cluster = await ClusterFixture.StartAsync(StorageKind.Sqlite);

        var error = Assert.Throws<InvalidOperationException>(() => cluster.GetGrain<IUnregisteredGrain>("x"));

        Assert.Contains(nameof(IUnregisteredGrain), error.Message);
    }

    [Fact]
    public async Task GetGrain_EmptyKey_Throws()
    {
        await using var cluster = await ClusterFixture.StartAsync(StorageKind.Sqlite);

        Assert.Throws<ArgumentException>(() => cluster.GetGrain<ICounterGrain>(""));
    }

    [Fact]
    public async Task Timer_Registered_TicksAsTurnsNeverOverlappingCalls()
    {
        var probe = new GrainProbe();
        await using var cluster = await ClusterFixture.StartAsync(StorageKind.Sqlite, probe: probe);
        var grain = cluster.GetGrain<ISequenceGrain>("timer");
        var thirdTick = WaitForTicksAsync(probe, "timer", 3);

        await grain.StartTimerAsync(periodMs: 10);
        var calls = Enumerable.Range(0, 200).Select(i => grain.AppendAsync(i).AsTask());
        await Task.WhenAll(calls);
        await thirdTick;

        Assert.True(await grain.GetTicksAsync() >= 3);
        Assert.Equal(1, await grain.GetMaxConcurrencyAsync());
    }

    private static async Task WaitForTicksAsync(GrainProbe probe, string key, int ticks)
    {
        while (probe.Count("tick", key) < ticks)
        {
            await probe.WaitForAsync("tick", key, TimeSpan.FromSeconds(10));
        }
    }

    public interface IUnregisteredGrain : IGrain
    {
        Task PingAsync();
    }
}
