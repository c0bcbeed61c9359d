using CortexHub.Grains.Cluster;
using CortexHub.Grains.Users;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;

namespace CortexHub.Grains.Tests.Cluster;

/// <summary>
/// The Orleans cluster CortexHub configures (its schema, providers and membership settings) under
/// Orleans' TestingHost: 3 silos on PostgreSQL over TCP, 1 on SQLite.
/// </summary>
public sealed class OrleansClusterTests
{
    [Fact]
    public async Task OneGrain_ThousandConcurrentCallsFromThreeSilos_RunOnOneActivationAndPersistExactly()
    {
        using var storage = await TestStorage.CreateAsync(StorageKind.Postgres);
        // The calls queue on one activation and each writes the user's growing state: on a busy
        // 2-core machine the last one waits longer than the default response timeout for its turn.
        var cluster = await OrleansTestCluster.StartAsync(storage, silos: 3, new Dictionary<string, string> { ["CortexHub:Orleans:ResponseTimeout"] = "00:03:00" });
        await using var _ = cluster;
        var factories = cluster.Silos.Select(s => s.Services().GetRequiredService<Orleans.IGrainFactory>()).ToList();
        await factories[0].GetGrain<IUserGrain>("busy").CreateAsync("Busy", UserRole.User);
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        var before = await management.GetActivationAddress(factories[0].GetGrain<IUserGrain>("busy")); // the silo holding it

        // Each silo calls through its own grain factory: the calls start on all three silos.
        await Task.WhenAll(Enumerable.Range(0, 1_000).Select(i => factories[i % 3].GetGrain<IUserGrain>("busy").CreateKeyAsync($"key {i}")));

        var after = await management.GetActivationAddress(factories[1].GetGrain<IUserGrain>("busy"));
        Assert.NotNull(before);
        Assert.Equal(before, after);
        Assert.Equal(1, (await management.GetDetailedGrainStatistics()).Count(s => s.GrainId == Orleans.Runtime.GrainId.Create("user", "busy")));

        // A second activation anywhere would have written with a stale ETag: its call would have
        // failed (InconsistentStateException) and the version below would not count every call.

        // Stored: one write per call, in one row whose version counts them exactly.
        Assert.Equal(1_001, (await factories[2].GetGrain<IUserGrain>("busy").GetAsync()).KeyIds.Distinct().Count());
        Assert.Equal(1_001, await storage.ExecuteScalarAsync("SELECT version FROM orleans_state WHERE grain_type = 'user' AND grain_key = '0/0/busy'"));
    }

    [Fact]
    public async Task TaskGrain_ItsSiloKilledWhileTheNodeStreams_JournalEndsExactlyOnceInOrder()
    {
        const int events = 400;
        using var storage = await TestStorage.CreateAsync(StorageKind.Postgres);
        var cluster = await OrleansTestCluster.StartAsync(storage, silos: 3);
        await using var _ = cluster;

        // The node's stream is on silo 0; its task grain starts on silo 2 (as when the
        // node reconnected after the dispatch), named as the node's silo in the request context.
        var victim = cluster.Silos[2];
        var grains = cluster.Silos[0].Services().GetRequiredService<Orleans.IGrainFactory>();
        await grains.GetGrain<INodeGrain>("n1").ProvisionAsync(new NodeProvisionRequest("n1", "alice"));
        BesideNodePlacement.Hint(victim.SiloAddress.ToParsableString());
        await grains.GetGrain<ITaskGrain>("t-kill").DispatchAsync(new TaskSpec("n1", "stream", "alice"));
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        Assert.Equal(victim.SiloAddress, await management.GetActivationAddress(grains.GetGrain<ITaskGrain>("t-kill")));

        // The node: sends in batches of 8, resends everything after the last acknowledgement when
        // a batch fails, as a node does on its next stream.
        long acked = 0;
        var killed = false;
        while (acked < events)
        {
            var batch = Enumerable.Range((int)acked + 1, (int)Math.Min(8, events - acked))
                .Select(seq => seq == 1 ? Events.Started(1) : seq == events ? Events.Exited(seq, 0) : Events.Out(seq, $"line {seq}\n")).ToList();
            try
            {
                acked = (await grains.GetGrain<ITaskGrain>("t-kill").AppendEventsAsync("n1", batch)).AckedSequence;
            }
            catch (Exception ex) when (TransientFaults.Is(ex))
            {
                await Task.Delay(100); // the silo is gone; the grain answers from its next one
            }

            if (!killed && acked >= events / 2)
            {
                await cluster.KillSiloAsync(victim);
                killed = true;
            }
        }

        var journal = await grains.GetGrain<ITaskGrain>("t-kill").ReadEventsAsync(0, 10_000);
        Assert.Equal(Enumerable.Range(1, events).Select(i => (long)i), journal.Select(e => e.Sequence));
        Assert.Equal(Enumerable.Range(2, events - 2).Select(i => $"line {i}\n"), journal.Where(e => e.Kind == TaskEventKind.Output).Select(e => System.Text.Encoding.UTF8.GetString(e.Data)));
        var task = await grains.GetGrain<ITaskGrain>("t-kill").GetAsync();
        Assert.Equal(TaskState.Succeeded, task.State);
        Assert.NotEqual(victim.SiloAddress, await management.GetActivationAddress(grains.GetGrain<ITaskGrain>("t-kill")));
    }

    [Fact]
    public async Task Sqlite_SiloRestarted_GrainStateAndRemindersComeBack()
    {
        using var storage = await TestStorage.CreateAsync(StorageKind.Sqlite);
        var cluster = await OrleansTestCluster.StartAsync(storage);
        await using var _ = cluster;
        await cluster.Client.GetGrain<IUserGrain>("carol").CreateAsync("Carol", UserRole.Admin);
        await cluster.Client.GetGrain<ITickCounterGrain>("ticks").StartAsync();
        await TestCluster.WaitUntilAsync(async () => await cluster.Client.GetGrain<ITickCounterGrain>("ticks").GetTicksAsync() >= 1,
            TimeSpan.FromSeconds(30), "the reminder fires");

        await cluster.RestartSiloAsync(cluster.Primary!);

        var carol = await cluster.Client.GetGrain<IUserGrain>("carol").GetAsync();
        Assert.Equal(("Carol", UserRole.Admin), (carol.Name, carol.Role));
        var ticks = await cluster.Client.GetGrain<ITickCounterGrain>("ticks").GetTicksAsync();
        await TestCluster.WaitUntilAsync(async () => await cluster.Client.GetGrain<ITickCounterGrain>("ticks").GetTicksAsync() > ticks,
            TimeSpan.FromSeconds(30), "the stored reminder fires again after the restart (nobody re-registered it)");
    }
}
