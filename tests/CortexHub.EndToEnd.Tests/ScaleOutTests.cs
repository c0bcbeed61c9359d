using System.Diagnostics;
using Xunit.Abstractions;

namespace CortexHub.EndToEnd.Tests;

/// <summary>
/// Scale-out with real processes: three <c>cortexhub-silo</c> processes on one PostgreSQL behind
/// nginx configured from <c>deploy/nginx/cortexhub.conf</c>, 100 simulated nodes connected
/// through the balancer, work dispatched and submitted through the HTTP API. Silos are SIGKILLed,
/// restarted one by one, and the database itself is restarted; each test ends with a
/// reconciliation of everything the hub acknowledged.
/// </summary>
public sealed class ScaleOutTests(ITestOutputHelper output)
{
    private const int Nodes = 100;

    [Fact]
    public async Task ThroughNginx_HundredNodesOnThreeSilos_SiloSigkilled_NodesReattachAndTasksFinishWithCompleteJournals()
    {
        using var storage = await TestStorage.CreateAsync(StorageKind.Postgres);
        await using var cluster = await ProcessCluster.StartAsync(new ProcessClusterOptions { ConnectionString = storage.ConnectionString!, Schema = storage.Schema!, Environment = ProcessClusterOptions.FastFailover() });
        await using var load = new ClusterWorkload(cluster, outputChunks: 40);
        await load.StartNodesAsync(Nodes, poolSlots: 0, workTime: _ => TimeSpan.FromSeconds(8));

        // The balancer spread the nodes over all three silos.
        var siloIds = await Task.WhenAll(Enumerable.Range(0, cluster.Count).Select(cluster.SiloIdAsync));
        var placement = (await load.ListNodesAsync()).ToLookup(n => n.SiloId);
        output.WriteLine("nodes per silo: " + string.Join(", ", siloIds.Select(id => $"{id} {placement[id].Count()}")));
        Assert.All(siloIds, id => Assert.True(placement[id].Count() >= 10, $"silo {id} holds {placement[id].Count()} nodes"));

        // Dispatched through the API of each silo in turn; wait until output flows everywhere.
        await load.DispatchToEveryNodeAsync("t");
        await load.WaitForAcknowledgedOutputAsync("t", 6);

        const int victim = 1;
        var victims = placement[siloIds[victim]].Select(n => n.NodeId).ToHashSet();
        var killedAt = DateTimeOffset.UtcNow;
        cluster.Kill(victim);
        await cluster.WaitForExitAsync(victim, TimeSpan.FromSeconds(10));

        // Its nodes come back through the balancer, on the surviving silos.
        var moved = load.Nodes.Where(n => victims.Contains(n.NodeId)).ToList();
        await ClusterWorkload.WaitAsync(() => Task.FromResult(moved.All(n => n.LastWelcomeAt > killedAt)), TimeSpan.FromSeconds(30), "the killed silo's nodes are attached again");
        var reattached = moved.Max(n => n.LastWelcomeAt) - killedAt;
        await ClusterWorkload.WaitAsync(async () => (await load.ListNodesAsync()).Count(n => victims.Contains(n.NodeId) && n.Status == NodeStatus.Online && n.SiloId != siloIds[victim]) == victims.Count,
            TimeSpan.FromSeconds(30), "the registry shows them online on the other silos");

        await load.VerifyTasksCompleteAsync(TimeSpan.FromMinutes(2));
        output.WriteLine($"SIGKILLed silo {siloIds[victim]} holding {victims.Count} nodes: all re-attached through nginx within {reattached.TotalMilliseconds:F0} ms; " +
            $"{Nodes} tasks x 40 output chunks complete, exact and in order");
    }

    [Fact]
    public async Task RollingRestartOfAllSilos_NodesStreamingAndPoolBusy_NothingAcknowledgedLost_NoItemHeldTwice()
    {
        using var storage = await TestStorage.CreateAsync(StorageKind.Postgres);
        await using var cluster = await ProcessCluster.StartAsync(new ProcessClusterOptions { ConnectionString = storage.ConnectionString!, Schema = storage.Schema!, Environment = ProcessClusterOptions.FastFailover() });
        await using var load = new ClusterWorkload(cluster, outputChunks: 30);
        // Dispatched tasks stream for the whole roll; pool items are short.
        await load.StartNodesAsync(Nodes, poolSlots: 2, workTime: id => id.StartsWith("roll-", StringComparison.Ordinal) ? TimeSpan.FromSeconds(60) : TimeSpan.FromMilliseconds(Random.Shared.Next(30, 150)));
        await load.DispatchToEveryNodeAsync("roll");
        await load.WaitForAcknowledgedOutputAsync("roll", 3);
        using var stopSubmitting = new CancellationTokenSource();
        var submitting = load.SubmitPoolItemsAsync(perSecond: 60, stopSubmitting.Token);

        var clock = Stopwatch.StartNew();
        for (var silo = 0; silo < cluster.Count; silo++)
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            var exit = await cluster.StopAsync(silo); // SIGTERM: drain, nodes told to reconnect elsewhere
            Assert.True(exit == 0, $"silo {silo} exited with {exit} after SIGTERM:{Environment.NewLine}{cluster.SiloOutput(silo)}");
            var drained = clock.Elapsed;
            await cluster.StartAsync(silo);
            output.WriteLine($"silo {silo}: drained and exited at {drained.TotalSeconds:F1} s, ready again at {clock.Elapsed.TotalSeconds:F1} s");
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        await stopSubmitting.CancelAsync();
        await submitting;

        await load.VerifyTasksCompleteAsync(TimeSpan.FromMinutes(2));
        var (items, retried) = await load.VerifyPoolSettledAsync(TimeSpan.FromMinutes(2));
        output.WriteLine($"rolling restart of 3 silos in {clock.Elapsed.TotalSeconds:F0} s: {Nodes} streaming tasks exact; {items} pool items done ({retried} retried), none run twice at once; " +
            $"{load.Nodes.Sum(n => n.Connections) - Nodes} reconnects");
    }

    [Fact]
    public async Task PostgresRestartedUnderLoad_SilosRecoverOnTheirOwn_NothingAcknowledgedLost()
    {
        await using var server = await PostgresServer.StartAsync();
        var storage = TestStorage.ForPostgres(server.ConnectionString, "restart");
        await using var cluster = await ProcessCluster.StartAsync(new ProcessClusterOptions { ConnectionString = storage.ConnectionString!, Schema = storage.Schema!, Environment = ProcessClusterOptions.FastFailover() });
        await using var load = new ClusterWorkload(cluster, outputChunks: 30);
        await load.StartNodesAsync(Nodes, poolSlots: 2, workTime: id => id.StartsWith("pg-", StringComparison.Ordinal) ? TimeSpan.FromSeconds(20) : TimeSpan.FromMilliseconds(Random.Shared.Next(30, 150)));
        await load.DispatchToEveryNodeAsync("pg");
        await load.WaitForAcknowledgedOutputAsync("pg", 3);
        using var stopSubmitting = new CancellationTokenSource();
        var submitting = load.SubmitPoolItemsAsync(perSecond: 60, stopSubmitting.Token);
        await Task.Delay(TimeSpan.FromSeconds(3));

        var acknowledgedBefore = load.Nodes.Sum(n => n.Acknowledged.Values.Sum());
        var clock = Stopwatch.StartNew();
        await server.StopAsync(); // fast shutdown: every open connection is cut
        await Task.Delay(TimeSpan.FromSeconds(2));
        await server.StartAgainAsync();
        var outage = clock.Elapsed;

        // No silo exited; each serves again without help.
        await ClusterWorkload.WaitAsync(async () =>
        {
            foreach (var silo in Enumerable.Range(0, cluster.Count))
            {
                using var http = new HttpClient { BaseAddress = cluster.SiloHttpAddress(silo), Timeout = TimeSpan.FromSeconds(5) };
                if (!(await http.GetAsync("/readyz")).IsSuccessStatusCode)
                {
                    return false;
                }
            }

            return true;
        }, TimeSpan.FromSeconds(30), "every silo is ready again");
        var recovered = clock.Elapsed;
        Assert.All(Enumerable.Range(0, cluster.Count), silo => Assert.True(cluster.IsRunning(silo), $"silo {silo} exited:{Environment.NewLine}{cluster.Output}"));
        await Task.Delay(TimeSpan.FromSeconds(3));
        await stopSubmitting.CancelAsync();
        await submitting;

        await load.VerifyTasksCompleteAsync(TimeSpan.FromMinutes(2));
        var (items, retried) = await load.VerifyPoolSettledAsync(TimeSpan.FromMinutes(2));
        output.WriteLine($"PostgreSQL down for {outage.TotalSeconds:F1} s ({acknowledgedBefore} events acknowledged before); all silos ready {recovered.TotalSeconds:F1} s after the stop; " +
            $"{Nodes} streaming tasks exact; {items} pool items done ({retried} retried); {load.Nodes.Sum(n => n.Connections) - Nodes} reconnects");
    }
}
