using System.Diagnostics;
using CortexHub.Grains.Storage;
using CortexHub.Protocol.V1;
using CortexHub.Storage.Relational;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CortexHub.Gateway.Tests;

/// <summary>
/// Runs alone: it measures the process's thread count and the healthy nodes' pace, which other
/// test classes running in parallel in the same process (10,000-item pool runs) would distort.
/// </summary>
[CollectionDefinition(nameof(SlowStoreTests), DisableParallelization = true)]
public sealed class SlowStoreRunsAlone;

/// <summary>Storage that hangs for some nodes' tasks must not slow anyone else, nor cost a thread per hung stream.</summary>
[Collection(nameof(SlowStoreTests))]
public sealed class SlowStoreTests(ITestOutputHelper output)
{
    private const int Stuck = 30;
    private const int Fast = 9;

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task SlowStoreForSomeNodes_OtherNodesHeartbeatsAndStreamsFlow_ThreadCountFlat(StorageKind kind)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var cluster = await HubFixture.StartAsync(kind, configure: o =>
        {
            // Idle streams are not under test: on a loaded machine, setting up 39 nodes may outlast the default 15 s idle limit.
            o.Configuration["CortexHub:Gateway:NodeHeartbeatInterval"] = "00:00:30";
            o.Configuration["CortexHub:Nodes:HeartbeatTtl"] = "00:01:00"; // longer than interval + flush, as the silo requires
            o.ConfigureServices += services =>
                services.AddSingleton<ITaskEventStore>(sp => new SlowTaskEventStore(new RelationalTaskEventStore(sp.GetRequiredService<RelationalDatabase>()), "slow-", gate.Task));
        });
        var stuck = await ConnectAsync(cluster, "s", "slow-", Stuck);
        var fast = await ConnectAsync(cluster, "f", "fast-", Fast);

        try
        {
            await RunAsync(cluster, stuck, fast, gate, kind);
        }
        finally
        {
            gate.TrySetResult(); // let shutdown drain even when an assertion failed
        }

        foreach (var node in stuck.Concat(fast))
        {
            await node.DisposeAsync();
        }
    }

    private async Task RunAsync(TestCluster cluster, List<TestNode> stuck, List<TestNode> fast, TaskCompletionSource gate, StorageKind kind)
    {
        // Warm up (JIT, thread pool, connection pools) so the thread count measures only the hung phase.
        await StreamAsync(fast, 1, 20);
        var threadsBefore = Process.GetCurrentProcess().Threads.Count;
        await Task.WhenAll(stuck.Select((node, i) => node.SendOutputAsync($"slow-{i}", 1, "stuck")));
        var clock = Stopwatch.StartNew();
        await StreamAsync(fast, 21, 120);
        clock.Stop();
        var threadsAfter = Process.GetCurrentProcess().Threads.Count;

        output.WriteLine($"{kind}: {Fast} nodes x 100 acknowledged events (+ heartbeats) in {clock.ElapsedMilliseconds} ms while {Stuck} nodes' journal writes hung; process threads {threadsBefore} -> {threadsAfter}");
        // The hung nodes' heartbeats still get through (their streams are alive; only journal writes hang).
        await Task.WhenAll(stuck.Select(node => node.SendAsync(new NodeMessage { Heartbeat = new Heartbeat() })));
        var registry = cluster[0].Services.GetRequiredService<NodeRegistry>();
        await TestCluster.WaitUntilAsync(async () => (await registry.ListAsync()).Count(n => n.Status == NodeStatus.Online) == Stuck + Fast,
            TimeSpan.FromSeconds(15), "every node, hung or not, shows online");
        // No thread per hung stream: far fewer new threads than hung streams.
        Assert.True(threadsAfter - threadsBefore < Stuck / 2, $"threads grew from {threadsBefore} to {threadsAfter} with {Stuck} hung streams");

        // The hung nodes got no acknowledgement; once storage recovers, each gets its ack.
        gate.SetResult();
        foreach (var (node, i) in stuck.Select((n, i) => (n, i)))
        {
            Assert.Equal(1, await node.ReadAckAsync($"slow-{i}", 1));
        }
    }

    private static Task StreamAsync(List<TestNode> nodes, int from, int to) =>
        Task.WhenAll(nodes.Select(async (node, i) =>
        {
            for (var seq = from; seq <= to; seq++)
            {
                await node.SendOutputAsync($"fast-{i}", seq, $"line {seq}\n");
                await node.SendAsync(new NodeMessage { Heartbeat = new Heartbeat() });
                Assert.Equal(seq, await node.ReadAckAsync($"fast-{i}", seq));
            }
        }));

    private static async Task<List<TestNode>> ConnectAsync(TestCluster cluster, string prefix, string taskPrefix, int count) =>
        [.. await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            var token = await cluster.ProvisionAsync($"{prefix}{i}");
            await cluster.DispatchAsync($"{taskPrefix}{i}", $"{prefix}{i}");
            return (await TestNode.ConnectAsync(cluster[0].GrpcAddress, $"{prefix}{i}", token)).Node;
        }))];
}
