using System.Diagnostics;
using CortexHub.Testing;

namespace CortexHub.Benchmarks.Suite;

/// <summary>The outcome of a fault scenario: measured figures and whether its reconciliation held.</summary>
public sealed record FaultResult(string Scenario, bool Passed, string Detail, Dictionary<string, double> Figures);

/// <summary>
/// Faults with a bounded duration that assert, not just measure: real silo processes on
/// PostgreSQL, simulated nodes over the real gRPC port, work through the HTTP API, and at the end
/// a reconciliation (every task's journal exactly what its node wrote, every pool item done, no
/// item run twice at once; see <see cref="ClusterWorkload"/>).
/// </summary>
public static class FaultScenarios
{
    private static readonly Dictionary<string, string?> FastFailover = new()
    {
        ["CortexHub__Silo__HeartbeatInterval"] = "00:00:00.500",
        ["CortexHub__Silo__SiloTtl"] = "00:00:03",
        ["CortexHub__Gateway__NodeHeartbeatInterval"] = "00:00:02",
        ["CortexHub__Pool__RetryBaseDelay"] = "00:00:00.050",
        ["CortexHub__Pool__OrphanGrace"] = "00:00:05",
    };

    /// <summary>
    /// 1,000 nodes on one silo of three, each streaming a task; SIGKILL that silo mid-stream. All
    /// 1,000 reconnect at once to the survivors; measured: time until every one is attached again.
    /// </summary>
    public static async Task<FaultResult> SiloKilledWithThousandNodesAsync(int nodes = 1_000)
    {
        using var storage = await TestStorage.CreateAsync(StorageKind.Postgres);
        await using var cluster = await ProcessCluster.StartAsync(new ProcessClusterOptions
        {
            ConnectionString = storage.ConnectionString!, Schema = storage.Schema!, Nginx = false, Environment = FastFailover,
        });
        await using var load = new ClusterWorkload(cluster, outputChunks: 10);
        // Every node starts on silo 1 and moves to silo 0, then 2, if its stream dies.
        var addresses = new[] { cluster.SiloGrpcAddress(1), cluster.SiloGrpcAddress(0), cluster.SiloGrpcAddress(2) };
        var clock = Stopwatch.StartNew();
        await load.StartNodesAsync(nodes, poolSlots: 0, workTime: _ => TimeSpan.FromSeconds(20), addresses);
        var connected = clock.Elapsed;
        await load.DispatchToEveryNodeAsync("k");
        await load.WaitForAcknowledgedOutputAsync("k", 3);

        var killedAt = DateTimeOffset.UtcNow;
        cluster.Kill(1);
        await cluster.WaitForExitAsync(1, TimeSpan.FromSeconds(10));
        return await ReconcileAsync($"SIGKILL a silo holding {nodes} nodes mid-stream; all reconnect at once", load, async figures =>
        {
            await ClusterWorkload.WaitAsync(() => Task.FromResult(load.Nodes.All(n => n.LastWelcomeAt > killedAt)), TimeSpan.FromSeconds(60), $"all {nodes} nodes are attached again");
            figures["seconds until all nodes re-attached"] = (load.Nodes.Max(n => n.LastWelcomeAt) - killedAt).TotalSeconds;
            figures["seconds to connect the nodes"] = connected.TotalSeconds;
            await load.VerifyTasksCompleteAsync(TimeSpan.FromMinutes(3));
            return $"{nodes} tasks complete with exact journals";
        });
    }

    /// <summary>PostgreSQL stopped (fast: connections cut) and started again while 100 nodes stream and the pool is busy.</summary>
    public static async Task<FaultResult> PostgresRestartAsync()
    {
        await using var server = await PostgresServer.StartAsync();
        var storage = TestStorage.ForPostgres(server.ConnectionString, "bench");
        await using var cluster = await ProcessCluster.StartAsync(new ProcessClusterOptions
        {
            ConnectionString = storage.ConnectionString!, Schema = storage.Schema!, Nginx = false, Environment = FastFailover,
        });
        await using var load = new ClusterWorkload(cluster, outputChunks: 20);
        var addresses = Enumerable.Range(0, cluster.Count).Select(cluster.SiloGrpcAddress).ToList();
        await load.StartNodesAsync(100, poolSlots: 2, workTime: id => id.StartsWith("pg-", StringComparison.Ordinal) ? TimeSpan.FromSeconds(15) : TimeSpan.FromMilliseconds(50),
            addresses, i => i % cluster.Count);
        await load.DispatchToEveryNodeAsync("pg");
        await load.WaitForAcknowledgedOutputAsync("pg", 3);
        using var stop = new CancellationTokenSource();
        var submitting = load.SubmitPoolItemsAsync(perSecond: 60, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(2));

        var clock = Stopwatch.StartNew();
        await server.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await server.StartAgainAsync();
        var outage = clock.Elapsed;
        return await ReconcileAsync("PostgreSQL restarted under load (100 streaming nodes, pool busy)", load, async figures =>
        {
            await ClusterWorkload.WaitAsync(async () =>
            {
                foreach (var silo in Enumerable.Range(0, cluster.Count))
                {
                    using var http = new HttpClient { BaseAddress = cluster.SiloHttpAddress(silo), Timeout = TimeSpan.FromSeconds(5) };
                    if (!cluster.IsRunning(silo) || !(await http.GetAsync("/readyz")).IsSuccessStatusCode)
                    {
                        return false;
                    }
                }

                return true;
            }, TimeSpan.FromSeconds(30), "every silo is ready again");
            figures["seconds PostgreSQL was down"] = outage.TotalSeconds;
            figures["seconds until every silo was ready again"] = clock.Elapsed.TotalSeconds;
            await Task.Delay(TimeSpan.FromSeconds(2));
            await stop.CancelAsync();
            await submitting;
            await load.VerifyTasksCompleteAsync(TimeSpan.FromMinutes(2));
            var (items, retried) = await load.VerifyPoolSettledAsync(TimeSpan.FromMinutes(2));
            figures["pool items"] = items;
            figures["pool items retried"] = retried;
            return $"no silo exited; 100 tasks exact; {items} pool items done once ({retried} retried), none run twice at once";
        });
    }

    private static async Task<FaultResult> ReconcileAsync(string scenario, ClusterWorkload load, Func<Dictionary<string, double>, Task<string>> run)
    {
        var figures = new Dictionary<string, double>();
        try
        {
            var detail = await run(figures);
            figures["node reconnects"] = load.Nodes.Sum(n => n.Connections) - load.Nodes.Count;
            return new FaultResult(scenario, true, detail, figures);
        }
        catch (Exception ex) when (ex is ReconciliationException or TimeoutException)
        {
            return new FaultResult(scenario, false, ex.Message.Split('\n')[0], figures);
        }
    }
}
