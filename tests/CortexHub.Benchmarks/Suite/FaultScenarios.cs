using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CortexHub.Grains.Nodes;
using CortexHub.Grains.Storage;
using CortexHub.Grains.Tasks;
using CortexHub.Protocol.V1;
using CortexHub.Storage.Relational;
using CortexHub.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CortexHub.Benchmarks.Suite;

/// <summary>The outcome of a fault scenario: measured figures and whether its reconciliation held.</summary>
public sealed record FaultResult(string Scenario, bool Passed, string Detail, Dictionary<string, double> Figures);

/// <summary>
/// Faults with a bounded duration that assert, not just measure: real silo processes on
/// PostgreSQL, simulated nodes over the real gRPC port, work through the HTTP API, and at the end
/// a reconciliation (every task's journal exactly what its node wrote, every pool item done, no
/// item run twice at once; see <see cref="ClusterWorkload"/>).
/// </summary>
public static partial class FaultScenarios
{

    /// <summary>
    /// 1,000 nodes on one silo of three, each streaming a task; SIGKILL that silo mid-stream. All
    /// 1,000 reconnect at once to the survivors; measured: time until every one is attached again.
    /// </summary>
    public static async Task<FaultResult> SiloKilledWithThousandNodesAsync(int nodes = 1_000)
    {
        using var storage = await TestStorage.CreateAsync(StorageKind.Postgres);
        await using var cluster = await ProcessCluster.StartAsync(new ProcessClusterOptions
        {
            ConnectionString = storage.ConnectionString!, Schema = storage.Schema!, Nginx = false,
            // Membership at Information: the log then shows when the killed silo was declared dead
            // ("Evicting"); the gateway at Debug: each node's attach steps ("welcomed ... after its Hello").
            Environment = new(ProcessClusterOptions.FastFailover())
            {
                ["Logging__LogLevel__Orleans.Runtime.MembershipService"] = "Information",
                ["Logging__LogLevel__CortexHub.Gateway.NodeLinkService"] = "Debug",
            },
        });
        await using var load = new ClusterWorkload(cluster, outputChunks: 10);
        // Every node starts on silo 1 and moves to silo 0, then 2, if its stream dies.
        var addresses = new[] { cluster.SiloGrpcAddress(1), cluster.SiloGrpcAddress(0), cluster.SiloGrpcAddress(2) };
        var clock = Stopwatch.StartNew();
        await load.StartNodesAsync(nodes, poolSlots: 0, workTime: _ => TimeSpan.FromSeconds(20), addresses);
        var connected = clock.Elapsed;
        await load.DispatchToEveryNodeAsync("k");
        await load.WaitForAcknowledgedOutputAsync("k", 3);

        // The nodes the silo holds when it dies (a node whose stream timed out under the load before
        // has moved on to the next silo already).
        var holder = await cluster.SiloIdAsync(1);
        var listed = await load.ListNodesAsync();
        var victims = load.Nodes.Where(n => n.SiloId == holder).ToList();
        var held = victims.Select(n => n.NodeId).ToHashSet();
        var killedAt = DateTimeOffset.UtcNow;
        cluster.Kill(1);
        await cluster.WaitForExitAsync(1, TimeSpan.FromSeconds(10));
        return await ReconcileAsync($"SIGKILL a silo holding {nodes} nodes mid-stream; all reconnect at once", load, async figures =>
        {
            figures["nodes on the silo when it died"] = victims.Count;
            try
            {
                await ClusterWorkload.WaitAsync(() => Task.FromResult(victims.All(n => n.LastWelcomeAt > killedAt)), TimeSpan.FromSeconds(60), $"all {victims.Count} nodes of the dead silo are attached again");
            }
            catch (TimeoutException)
            {
                var path = Path.Combine(RepoPaths.Root, "artifacts", "bench", "suite", "fault-1000-nodes.log");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                var waiting = victims.Where(n => n.LastWelcomeAt <= killedAt).ToList();
                await File.WriteAllTextAsync(path, $"{waiting.Count} nodes not attached again; last errors:{Environment.NewLine}"
                    + string.Join(Environment.NewLine, waiting.Take(20).Select(n => $"{n.NodeId}: {n.LastError}")) + Environment.NewLine + cluster.Output);
                throw;
            }

            var log = Path.Combine(RepoPaths.Root, "artifacts", "bench", "suite", "fault-1000-nodes.log");
            Directory.CreateDirectory(Path.GetDirectoryName(log)!); // a fresh clone has no artifacts/ yet
            await File.WriteAllTextAsync(log, "node list at the kill: " + string.Join(", ", listed.GroupBy(n => (n.SiloId, n.Status)).Select(g => $"{g.Key.SiloId}/{g.Key.Status}: {g.Count()}"))
                + $"; nodes welcomed by the silo: {victims.Count}" + Environment.NewLine
                + $"killed at {killedAt:HH:mm:ss.fff}; re-attached at (s after): "
                + string.Join(" ", victims.Select(n => (n.LastWelcomeAt - killedAt).TotalSeconds).Order().Where((_, i) => i % 25 == 0).Select(s => s.ToString("F2", CultureInfo.InvariantCulture)))
                + Environment.NewLine + ReattachSplit(victims, killedAt, cluster.Output, figures)
                + Environment.NewLine + "re-attached to: " + string.Join(", ", victims.GroupBy(n => n.SiloId).Select(g =>
                    $"{g.Key}: {g.Count()} nodes, median {(g.Select(n => n.LastWelcomeAt).Order().ElementAt(g.Count() / 2) - killedAt).TotalSeconds:F2} s, last {(g.Max(n => n.LastWelcomeAt) - killedAt).TotalSeconds:F2} s"))
                + Environment.NewLine + string.Join(Environment.NewLine, victims.OrderBy(n => n.LastWelcomeAt).Where((_, i) => i % 40 == 0).Select(n => $"{n.NodeId}: welcomed {n.LastWelcomeAt:HH:mm:ss.fff} after {n.Connections} streams, last error {n.LastError}"))
                + Environment.NewLine + "nodes that left the silo before it died, first errors:" + Environment.NewLine
                + string.Join(Environment.NewLine, load.Nodes.Where(n => !held.Contains(n.NodeId)).Take(20).Select(n => $"{n.NodeId}: {n.FirstError}"))
                + Environment.NewLine + cluster.Output);
            figures["seconds until all nodes re-attached"] = (victims.Max(n => n.LastWelcomeAt) - killedAt).TotalSeconds;
            figures["seconds to connect the nodes"] = connected.TotalSeconds;
            await load.VerifyTasksCompleteAsync(TimeSpan.FromMinutes(3));
            return $"{nodes} tasks complete with exact journals";
        });
    }

    /// <summary>
    /// Where the re-attach time went: when the silo was declared dead (the first survivor's
    /// "Evicting" line), when the nodes saw their streams fail (the client's side, on the same
    /// cores), and how long the hub took from each node's Hello to its Welcome.
    /// </summary>
    private static string ReattachSplit(List<SimulatedNode> victims, DateTimeOffset killedAt, string siloOutput, Dictionary<string, double> figures)
    {
        var lines = new StringBuilder();
        var eviction = siloOutput.Split('\n').FirstOrDefault(l => l.Contains("Evicting '", StringComparison.Ordinal));
        if (eviction is not null && TimeSpan.TryParseExact(eviction[..Math.Min(12, eviction.Length)], @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture, out var at))
        {
            var declared = (killedAt.UtcDateTime.Date + at - killedAt.UtcDateTime).TotalSeconds;
            figures["seconds until the silo was declared dead"] = declared;
            lines.Append(CultureInfo.InvariantCulture, $"declared dead {declared:F2} s after the kill; ");
        }

        static string Spread(IEnumerable<double> seconds)
        {
            var sorted = seconds.Order().ToList();
            return string.Create(CultureInfo.InvariantCulture, $"median {sorted[sorted.Count / 2]:F2} s, p90 {sorted[sorted.Count * 9 / 10]:F2} s, max {sorted[^1]:F2} s");
        }

        var hub = victims.Select(n => (n.LastWelcomeAt - n.LastWelcomedHelloAt).TotalSeconds).ToList();
        figures["hub seconds from Hello to Welcome (max)"] = hub.Max();
        lines.Append("nodes saw their streams fail ").Append(Spread(victims.Select(n => (n.LastFailureAt - killedAt).TotalSeconds))).Append(" after the kill; ");
        lines.Append("the welcomed Hello went out ").Append(Spread(victims.Select(n => (n.LastWelcomedHelloAt - killedAt).TotalSeconds))).Append(" after the kill; ");
        lines.Append("Hello to Welcome ").Append(Spread(hub));

        // The hub's own account of the attaches after the kill (the survivors' Debug lines).
        var steps = siloOutput.Split('\n')
            .Select(l => (Line: l, Match: AttachTimes().Match(l)))
            .Where(x => x.Match.Success && TimeSpan.TryParseExact(x.Line[..Math.Min(12, x.Line.Length)], @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture, out var at)
                && killedAt.UtcDateTime.Date + at > killedAt.UtcDateTime)
            .Select(x => x.Match.Groups)
            .ToList();
        if (steps.Count > 0)
        {
            double Ms(GroupCollection g, string name) => double.Parse(g[name].Value, CultureInfo.InvariantCulture) / 1000;
            lines.Append(CultureInfo.InvariantCulture, $"{Environment.NewLine}in the hub ({steps.Count} attaches after the kill), from the Hello: authenticated ").Append(Spread(steps.Select(g => Ms(g, "auth"))))
                .Append("; owner checked ").Append(Spread(steps.Select(g => Ms(g, "admitted"))))
                .Append("; recorded connected ").Append(Spread(steps.Select(g => Ms(g, "connected"))))
                .Append("; tasks' resume points ").Append(Spread(steps.Select(g => Ms(g, "resumed"))))
                .Append("; welcomed ").Append(Spread(steps.Select(g => Ms(g, "welcomed"))));
        }

        return lines.ToString();
    }

    /// <summary>The gateway's Debug line for one attach (NodeSession.LogAttachTimes).</summary>
    [GeneratedRegex(@"welcomed (?<welcomed>\d+) ms after its Hello: authenticated after (?<auth>\d+) ms, its owner checked after (?<admitted>\d+) ms, recorded connected after (?<connected>\d+) ms, its tasks' resume points known after (?<resumed>\d+) ms")]
    private static partial Regex AttachTimes();

    /// <summary>PostgreSQL stopped (fast: connections cut) and started again while 100 nodes stream and the pool is busy.</summary>
    public static async Task<FaultResult> PostgresRestartAsync()
    {
        await using var server = await PostgresServer.StartAsync();
        var storage = TestStorage.ForPostgres(server.ConnectionString, "bench");
        await using var cluster = await ProcessCluster.StartAsync(new ProcessClusterOptions
        {
            ConnectionString = storage.ConnectionString!, Schema = storage.Schema!, Nginx = false, Environment = ProcessClusterOptions.FastFailover(),
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

    /// <summary>
    /// Storage hangs for 30 nodes' journal writes while 10 other nodes stream (one silo, in
    /// process, real gRPC port). Measured: the healthy nodes' acknowledged events per second
    /// before and during the hang. Reconciled: once storage recovers every hung node gets its
    /// acknowledgement, and every task's journal holds each acknowledged event exactly once.
    /// </summary>
    public static async Task<FaultResult> SlowStorageAsync(StorageKind kind, int stuck = 30, int fast = 10, int events = 150)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var storage = await TestStorage.CreateAsync(kind);
        var options = new TestClusterOptions { Storage = storage.Borrow() };
        options.Configuration["CortexHub:Gateway:NodeHeartbeatInterval"] = "00:00:30";
        options.Configuration["CortexHub:Nodes:HeartbeatTtl"] = "00:01:00"; // longer than interval + flush, as the silo requires
        options.ConfigureServices += services => services.AddSingleton<ITaskEventStore>(sp =>
            new SlowTaskEventStore(new RelationalTaskEventStore(sp.GetRequiredService<RelationalDatabase>()), "slow-", gate.Task));
        await using var cluster = await TestCluster.StartAsync(options);
        var hung = await ConnectAsync(cluster, "slow-", stuck);
        var healthy = await ConnectAsync(cluster, "fast-", fast);
        try
        {
            var before = await StreamAsync(healthy, "fast-", 1, events);
            await Task.WhenAll(hung.Select((node, i) => node.SendOutputAsync($"slow-{i}", 1, "line 1\n")));
            var during = await StreamAsync(healthy, "fast-", events + 1, 2 * events);
            gate.SetResult();
            return await ReconcileAsync($"slow storage: {stuck} nodes' journal writes hang while {fast} nodes stream ({kind.ToString().ToLowerInvariant()})", null, async figures =>
            {
                figures["healthy acked events/s before"] = before;
                figures["healthy acked events/s during the hang"] = during;
                foreach (var (node, i) in hung.Select((n, i) => (n, i)))
                {
                    var ack = await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Ack && m.Ack.TaskId == $"slow-{i}", TimeSpan.FromSeconds(30));
                    ReconciliationException.ThrowUnless(ack.Ack.Sequence == 1, $"slow-{i} was acknowledged up to {ack.Ack.Sequence}, expected 1");
                }

                var store = cluster[0].Services.GetRequiredService<ITaskEventStore>();
                foreach (var (prefix, count, last) in new[] { ("slow-", stuck, 1), ("fast-", fast, 2 * events) })
                {
                    for (var i = 0; i < count; i++)
                    {
                        var journal = await store.TaskEventsReadAsync($"{prefix}{i}", 0, 10_000);
                        ReconciliationException.ThrowUnless(journal.Select(e => e.Sequence).SequenceEqual(Enumerable.Range(1, last).Select(k => (long)k)), $"{prefix}{i}: the journal holds sequences {string.Join(",", journal.Select(e => e.Sequence).Take(20))}..., expected 1..{last} once each");
                        ReconciliationException.ThrowUnless(journal.All(e => Encoding.UTF8.GetString(e.Data) == $"line {e.Sequence}\n"), $"{prefix}{i}: an event's data differs from what the node sent");
                    }
                }

                return $"healthy nodes kept {100 * during / before:F0}% of their rate; all {stuck} hung nodes acknowledged after recovery; {stuck + fast} journals exact";
            });
        }
        finally
        {
            gate.TrySetResult();
            foreach (var node in hung.Concat(healthy))
            {
                await node.DisposeAsync();
            }
        }
    }

    private static async Task<List<TestNode>> ConnectAsync(TestCluster cluster, string prefix, int count) =>
        [.. await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            var nodeId = $"{prefix}node-{i}";
            var token = await cluster.GetGrain<INodeGrain>(nodeId).ProvisionAsync(new NodeProvisionRequest(nodeId, "bench"));
            await cluster.GetGrain<ITaskGrain>($"{prefix}{i}").DispatchAsync(new TaskSpec(nodeId, "stream", "bench"));
            return (await TestNode.ConnectAsync(cluster[0].GrpcAddress, nodeId, token)).Node;
        }))];

    /// <summary>Each node sends events <paramref name="from"/>..<paramref name="to"/> one at a time, each awaited to its ack; returns acked events per second.</summary>
    private static async Task<double> StreamAsync(List<TestNode> nodes, string prefix, int from, int to)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(nodes.Select(async (node, i) =>
        {
            for (var seq = from; seq <= to; seq++)
            {
                await node.SendOutputAsync($"{prefix}{i}", seq, $"line {seq}\n");
                await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Ack && m.Ack.TaskId == $"{prefix}{i}" && (long)m.Ack.Sequence >= seq, TimeSpan.FromSeconds(30));
            }
        }));
        return nodes.Count * (to - from + 1) / clock.Elapsed.TotalSeconds;
    }

    private static async Task<FaultResult> ReconcileAsync(string scenario, ClusterWorkload? load, Func<Dictionary<string, double>, Task<string>> run)
    {
        var figures = new Dictionary<string, double>();
        try
        {
            var detail = await run(figures);
            if (load is not null)
            {
                figures["node reconnects"] = load.Nodes.Sum(n => n.Connections) - load.Nodes.Count;
            }

            return new FaultResult(scenario, true, detail, figures);
        }
        catch (Exception ex) when (ex is ReconciliationException or TimeoutException)
        {
            return new FaultResult(scenario, false, ex.Message.Split('\n')[0], figures);
        }
    }
}
