using CortexHub.Grains.Pool;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CortexHub.EndToEnd.Tests;

/// <summary>
/// The work pool across three real silo processes on one PostgreSQL: one is SIGKILLed mid-run
/// while 50 nodes work through 10,000 items and some nodes crash mid-item. An in-process silo on
/// the same schema submits the items and inspects the pool (it holds no node streams).
/// </summary>
public sealed class PoolProcessKillTests(ITestOutputHelper output)
{
    private const int Items = 10_000;

    [Fact]
    public async Task SiloProcessSigkilledAndNodesCrashing_EveryItemEndsDoneOrDead_CountsReconcile_NeverHeldTwice()
    {
        var options = new TestClusterOptions { Storage = await TestStorage.CreateAsync(StorageKind.Postgres) };
        options.Configuration["CortexHub:Pool:RetryBaseDelay"] = "00:00:00.050";
        await using var cluster = await TestCluster.StartAsync(options);
        var environment = new Dictionary<string, string?>
        {
            ["CortexHub__Storage__Provider"] = "postgres",
            ["CortexHub__Storage__Postgres__ConnectionString"] = cluster.Storage.ConnectionString,
            ["CortexHub__Storage__Postgres__Schema"] = cluster.Storage.Schema,
            ["CortexHub__Gateway__NodeHeartbeatInterval"] = "00:00:01",
            ["CortexHub__Pool__RetryBaseDelay"] = "00:00:00.050",
            ["CortexHub__Pool__OrphanGrace"] = "00:00:05",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };
        var work = Directory.CreateTempSubdirectory("cortexhub-pool-e2e-").FullName;
        var grpcPorts = new List<int>();
        var silos = new List<SiloProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                grpcPorts.Add(FreePorts.Next());
                silos.Add(SiloProcess.Start(work, environment, "--CortexHub:Endpoints:BindAddress=127.0.0.1", $"--CortexHub:Endpoints:HttpPort={FreePorts.Next()}", $"--CortexHub:Endpoints:GrpcPort={grpcPorts[i]}"));
            }

            foreach (var silo in silos)
            {
                await silo.WaitForOutputAsync("Application started", TimeSpan.FromMinutes(3));
            }

            var addresses = grpcPorts.Select(p => new Uri($"http://127.0.0.1:{p}")).ToList();
            var nodes = new List<SimulatedNode>();
            for (var i = 0; i < 50; i++)
            {
                var id = $"w{i:00}";
                var token = await cluster.GetGrain<INodeGrain>(id).ProvisionAsync(new NodeProvisionRequest(id, "e2e"));
                var node = new SimulatedNode(id, token, addresses, slots: 4, _ => TimeSpan.FromMilliseconds(Random.Shared.Next(5, 40)), firstSilo: i % 3);
                node.Start();
                nodes.Add(node);
            }

            var pool = cluster[0].Services.GetRequiredService<WorkPool>();
            var submitting = Task.Run(async () =>
            {
                var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
                await Parallel.ForEachAsync(Enumerable.Range(0, Items), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
                    ids.Add((await pool.SubmitAsync(new PoolSubmitRequest(new PoolWork($"job {i}"), "e2e", Priority: i % 3, MaxAttempts: 5))).Item.ItemId));
                return ids.ToList();
            });

            await TestCluster.WaitUntilAsync(async () => (await pool.StatsAsync()).Counts[PoolItemState.Done] >= 2_000, TimeSpan.FromMinutes(3), "2,000 items are done");
            silos[1].KillHard();
            await silos[1].WaitForExitAsync(TimeSpan.FromSeconds(10));
            output.WriteLine($"SIGKILLed silo process 1 at {(await pool.StatsAsync()).Counts[PoolItemState.Done]} done");
            for (var i = 0; i < 10; i++)
            {
                await Task.Delay(300);
                nodes[Random.Shared.Next(nodes.Count)].Crash();
            }

            var submitted = await submitting;
            await TestCluster.WaitUntilAsync(async () =>
            {
                var counts = (await pool.StatsAsync()).Counts;
                return counts[PoolItemState.Done] + counts[PoolItemState.Dead] == Items;
            }, TimeSpan.FromMinutes(7), $"all {Items} items are done or dead"); // ~70 s alone; CI runs it beside the Gateway tests' 10,000-item runs
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            var items = new List<PoolItem>();
            while (await pool.ListAsync(afterSeq: items.Count == 0 ? 0 : items[^1].Seq, limit: 1000) is { Count: > 0 } page)
            {
                items.AddRange(page);
            }

            var stats = await pool.StatsAsync();
            output.WriteLine($"done {stats.Counts[PoolItemState.Done]}, dead {stats.Counts[PoolItemState.Dead]}, retried {items.Count(i => i.Attempts > 1)}, " +
                $"reconnects {nodes.Sum(n => n.Connections) - nodes.Count}");
            Assert.Equal(submitted.Order(), items.Select(i => i.ItemId).Order());
            Assert.Equal(Items, stats.Counts[PoolItemState.Done] + stats.Counts[PoolItemState.Dead]);
            foreach (var runs in nodes.SelectMany(n => n.Executions).GroupBy(e => e.TaskId[..e.TaskId.LastIndexOf('.')]))
            {
                var ordered = runs.OrderBy(r => r.Start).ToList();
                for (var i = 1; i < ordered.Count; i++)
                {
                    Assert.True(ordered[i].Start >= ordered[i - 1].End, $"Item {runs.Key} ran as {ordered[i - 1].TaskId} and {ordered[i].TaskId} at once.");
                }
            }

            var completed = nodes.SelectMany(n => n.Executions.Where(e => !e.Crashed).Select(e => (n.NodeId, e.TaskId))).ToHashSet();
            Assert.All(items.Where(i => i.State == PoolItemState.Done), i => Assert.Contains((i.ClaimedBy!, i.TaskId!), completed));
        }
        finally
        {
            foreach (var silo in silos)
            {
                if (!silo.HasExited)
                {
                    silo.KillHard();
                }

                await silo.DisposeAsync();
            }
        }
    }
}
