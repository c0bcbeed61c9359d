using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using CortexHub.Grains.Pool;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CortexHub.EndToEnd.Tests;

/// <summary>
/// The reference agent as a real process through crashes: the agent SIGKILLed mid pool item and restarted,
/// and the hub SIGKILLed again and again while a task streams.
/// </summary>
public sealed partial class AgentCrashTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task AgentSigkilledMidPoolItem_Restarted_ItemNeverRunsTwiceAtOnce()
    {
        var options = new TestClusterOptions { Storage = await TestStorage.CreateAsync(StorageKind.Sqlite) };
        options.Configuration["CortexHub:Pool:RetryBaseDelay"] = "00:00:00.050";
        await using var cluster = await TestCluster.StartAsync(options);
        var work = Directory.CreateTempSubdirectory("cortexhub-agent-crash-").FullName;
        var stamps = Path.Combine(work, "stamps");
        var stateDir = Path.Combine(work, "agent-state");
        const string nodeId = "crashy";
        var token = await cluster.GetGrain<INodeGrain>(nodeId).ProvisionAsync(new NodeProvisionRequest(nodeId, "e2e"));
        string[] agentArgs = ["--pool-slots", "1", "--state-dir", stateDir];

        // Each run stamps its start and end with its pid (also its process group). The first run takes long
        // enough to be caught by the agent's crash; a SIGTERM ends it with an end stamp too, a SIGKILL would not.
        var command =
            $"f='{stamps}'; trap 'echo \"end $$ $(date +%s%N)\" >> \"$f\"; exit 143' TERM; " +
            "echo \"start $$ $(date +%s%N)\" >> \"$f\"; " +
            $"if [ -e '{work}/first-ran' ]; then sleep 1; else touch '{work}/first-ran'; sleep 60 & wait $!; fi; " +
            "echo \"end $$ $(date +%s%N)\" >> \"$f\"";
        var agent = AgentProcess.Start(cluster[0].GrpcAddress, nodeId, token, agentArgs);
        AgentProcess? restarted = null;
        try
        {
            await WaitOnlineAsync(cluster, nodeId, agent);
            var pool = cluster[0].Services.GetRequiredService<WorkPool>();
            var item = (await pool.SubmitAsync(new PoolSubmitRequest(new PoolWork(command), "e2e", MaxAttempts: 5))).Item;
            await TestCluster.WaitUntilAsync(() => Task.FromResult(ReadRuns(stamps).Count == 1), Wait, $"the item's first run started:\n{agent.Output}");

            Process.GetProcessById(agent.ProcessId).Kill(); // SIGKILL: no chance to stop its tasks
            await agent.WaitForExitAsync(TimeSpan.FromSeconds(10));
            output.WriteLine($"SIGKILLed the agent (pid {agent.ProcessId}) while run {ReadRuns(stamps)[0].Pid} was in progress");
            restarted = AgentProcess.Start(cluster[0].GrpcAddress, nodeId, token, agentArgs);

            await TestCluster.WaitUntilAsync(async () => (await pool.GetAsync(item.ItemId))!.State == PoolItemState.Done, Wait,
                $"the item is done:\nfirst agent:\n{agent.Output}\nrestarted agent:\n{restarted.Output}");

            // A run whose end never comes is still running: give every run a moment to stamp its end.
            var everyRunEnded = true;
            try
            {
                await TestCluster.WaitUntilAsync(() => Task.FromResult(ReadRuns(stamps).All(r => r.End is not null)), TimeSpan.FromSeconds(20), "every run ended");
            }
            catch (TimeoutException)
            {
                everyRunEnded = false;
            }

            var runs = ReadRuns(stamps);
            foreach (var run in runs)
            {
                output.WriteLine($"run {run.Pid}: start {run.Start}, end {run.End?.ToString(CultureInfo.InvariantCulture) ?? "none"}");
            }

            Assert.True(runs.Count >= 2, $"The item ran once only; the crash should have cut its first run short:\n{restarted.Output}");
            for (var i = 1; i < runs.Count; i++)
            {
                var earlier = runs[i - 1];
                Assert.True(earlier.End is { } end && runs[i].Start >= end,
                    $"Run {runs[i].Pid} started at {runs[i].Start} while run {earlier.Pid} (started {earlier.Start}) was still running " +
                    $"(ended {earlier.End?.ToString(CultureInfo.InvariantCulture) ?? "not yet"}).\nfirst agent:\n{agent.Output}\nrestarted agent:\n{restarted.Output}");
            }

            Assert.True(everyRunEnded, "Every run stamped its end.");
            Assert.Contains("survivor", restarted.Output, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            // Without the fix the first run outlives its agent: do not leave it behind.
            foreach (var run in ReadRuns(stamps).Where(r => r.End is null))
            {
                KillGroup(run.Pid);
            }

            await agent.DisposeAsync();
            if (restarted is not null)
            {
                await restarted.DisposeAsync();
            }

            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task HubSigkilledFiveTimesMidTask_AgentReconnectsPromptlyEachTime_JournalExact()
    {
        const int lines = 20_000;
        const int kills = 5;

        // The silo holding the node's stream runs as a real process; an in-process silo on the same PostgreSQL
        // schema plays the API and reads the journal.
        var options = new TestClusterOptions { Storage = await TestStorage.CreateAsync(StorageKind.Postgres) };
        options.Configuration["CortexHub:Gateway:OutboxPollInterval"] = "00:00:00.500";
        await using var cluster = await TestCluster.StartAsync(options);
        var environment = new Dictionary<string, string?>
        {
            ["CortexHub__Storage__Provider"] = "postgres",
            ["CortexHub__Storage__Postgres__ConnectionString"] = cluster.Storage.ConnectionString,
            ["CortexHub__Storage__Postgres__Schema"] = cluster.Storage.Schema,
        };
        var work = Directory.CreateTempSubdirectory("cortexhub-hub-kills-").FullName;
        var grpcPort = FreePorts.Next();
        string[] ports = ["--CortexHub:Endpoints:BindAddress=127.0.0.1", $"--CortexHub:Endpoints:HttpPort={FreePorts.Next()}", $"--CortexHub:Endpoints:GrpcPort={grpcPort}"];
        var silo = SiloProcess.Start(work, environment, ports);
        try
        {
            await silo.WaitForOutputAsync("Application started", Wait);
            const string nodeId = "hub-kills";
            var token = await cluster.GetGrain<INodeGrain>(nodeId).ProvisionAsync(new NodeProvisionRequest(nodeId, "e2e"));
            await using var agent = AgentProcess.Start(new Uri($"http://127.0.0.1:{grpcPort}"), nodeId, token, "--state-dir", Path.Combine(work, "agent-state"));
            await WaitOnlineAsync(cluster, nodeId, agent);

            // Paced so that it still streams through every kill and restart: about two minutes of output.
            await cluster.GetGrain<ITaskGrain>("long").DispatchAsync(new TaskSpec(nodeId,
                $"for i in $(seq 1 {lines}); do echo \"line $i\"; if [ $((i % 40)) -eq 0 ]; then sleep 0.25; fi; done", "e2e"));
            var reconnects = new List<TimeSpan>();
            for (var kill = 1; kill <= kills; kill++)
            {
                var acked = (await cluster.GetGrain<ITaskGrain>("long").GetAsync()).AckedSequence;
                await TestCluster.WaitUntilAsync(async () => (await cluster.GetGrain<ITaskGrain>("long").GetAsync()).AckedSequence > acked + 5, Wait,
                    $"output flows before kill {kill}:\n{agent.Output}");
                var connectedBefore = ConnectedTimes(agent.Output).Count;
                silo.KillHard();
                await silo.WaitForExitAsync(TimeSpan.FromSeconds(10));
                await silo.DisposeAsync();
                silo = SiloProcess.Start(work, environment, ports);

                // The hub is back once its gRPC port accepts connections; the agent's own log says when it was welcomed.
                var back = await WaitListeningAsync(grpcPort, Wait);
                await TestCluster.WaitUntilAsync(() => Task.FromResult(ConnectedTimes(agent.Output).Count > connectedBefore), Wait,
                    $"the agent reconnected after kill {kill}:\n{agent.Output}");
                var reconnect = ConnectedTimes(agent.Output)[connectedBefore] - back;
                reconnects.Add(reconnect);
                output.WriteLine($"kill {kill}: the agent was welcomed {reconnect.TotalMilliseconds:F0} ms after the restarted hub listened");
            }

            var task = await WaitFinishedAsync(cluster, "long", TimeSpan.FromMinutes(3));
            Assert.True(task.State == TaskState.Succeeded, $"The task ended {task.State} ({task.Result?.Error}).\nagent:\n{agent.Output}");
            var events = await ReadJournalAsync(cluster, "long");
            Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
            var expected = string.Concat(Enumerable.Range(1, lines).Select(i => $"line {i}\n"));
            Assert.True(expected == Text(events), "The journal's stdout is not exactly the 20,000 lines.");

            // What the agent decided: after each lost session the hub had welcomed it starts over from the first step
            // (200 ms), and while the hub is down it never waits longer than the outage ceiling (1 s).
            var delays = RetryDelays(agent.Output);
            output.WriteLine($"retry delays logged: {string.Join(", ", delays.Select(d => $"{d.Delay.TotalMilliseconds:F0} ms (ceiling {d.Ceiling?.TotalMilliseconds:F0}, welcomed {d.Welcomed})"))}");
            Assert.All(delays, d => Assert.True(d.Delay <= TimeSpan.FromSeconds(1), $"The agent waited {d.Delay} to retry a hub that had just answered.\n{agent.Output}"));
            var afterWelcome = delays.Where(d => d.Welcomed == true).ToList();
            Assert.Equal(kills, afterWelcome.Count);
            Assert.All(afterWelcome, d => Assert.Equal(TimeSpan.FromMilliseconds(200), d.Ceiling));

            // Generous: the agent retries at least every second, but the box is a busy 2-core one.
            Assert.All(reconnects, r => Assert.True(r < TimeSpan.FromSeconds(10), $"The agent came back {r} after the hub (measured: {string.Join(", ", reconnects)})."));
        }
        finally
        {
            if (!silo.HasExited)
            {
                silo.KillHard();
            }

            await silo.DisposeAsync();
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<DateTimeOffset> WaitListeningAsync(int port, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync("127.0.0.1", port, deadline.Token);
                return DateTimeOffset.UtcNow;
            }
            catch (SocketException)
            {
                await Task.Delay(20, deadline.Token);
            }
        }
    }

    /// <summary>When the agent logged each Welcome (its log lines carry UTC timestamps).</summary>
    private static List<DateTimeOffset> ConnectedTimes(string agentOutput) =>
        [.. agentOutput.Split('\n')
            .Where(line => line.Contains("[2001] Connected", StringComparison.Ordinal))
            .Select(line => DateTimeOffset.Parse(line[..line.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture))];

    /// <summary>The retry delays the agent logged ("reconnecting in …"), with the ceiling and welcome flag when logged.</summary>
    private static List<(TimeSpan Delay, TimeSpan? Ceiling, bool? Welcomed)> RetryDelays(string agentOutput) =>
        [.. RetryLine().Matches(agentOutput).Select(m => (
            TimeSpan.Parse(m.Groups["delay"].Value, CultureInfo.InvariantCulture),
            m.Groups["ceiling"].Success ? TimeSpan.Parse(m.Groups["ceiling"].Value, CultureInfo.InvariantCulture) : (TimeSpan?)null,
            m.Groups["welcomed"].Success ? bool.Parse(m.Groups["welcomed"].Value) : (bool?)null))];

    private static async Task<List<TaskEventRecord>> ReadJournalAsync(TestCluster cluster, string taskId)
    {
        var events = new List<TaskEventRecord>();
        for (long after = 0; ; )
        {
            var page = await cluster.GetGrain<ITaskGrain>(taskId).ReadEventsAsync(after, 5000);
            if (page.Count == 0)
            {
                return events;
            }

            events.AddRange(page);
            after = page[^1].Sequence;
        }
    }

    private static async Task<TaskSnapshot> WaitFinishedAsync(TestCluster cluster, string taskId, TimeSpan timeout)
    {
        TaskSnapshot? snapshot = null;
        await TestCluster.WaitUntilAsync(async () => (snapshot = await cluster.GetGrain<ITaskGrain>(taskId).GetAsync()).IsFinished, timeout, $"task {taskId} finished");
        return snapshot!;
    }

    private static string Text(IEnumerable<TaskEventRecord> events) =>
        Encoding.UTF8.GetString(events.Where(e => e.Kind == TaskEventKind.Output && e.Stream == OutputStreamKind.Stdout).SelectMany(e => e.Data).ToArray());

    [GeneratedRegex(@"reconnecting in (?<delay>\d+:\d\d:\d\d(?:\.\d+)?)(?: \(ceiling (?<ceiling>\d+:\d\d:\d\d(?:\.\d+)?), welcomed (?<welcomed>True|False)\))?")]
    private static partial Regex RetryLine();

    private static async Task WaitOnlineAsync(TestCluster cluster, string nodeId, AgentProcess agent) =>
        await TestCluster.WaitUntilAsync(async () => (await cluster.GetGrain<INodeGrain>(nodeId).GetAsync()).Status == NodeStatus.Online, Wait, $"agent {nodeId} connected:\n{agent.Output}");

    /// <summary>The runs stamped in <paramref name="path"/>, in order of start (nanoseconds since the epoch).</summary>
    private static List<Run> ReadRuns(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var starts = new Dictionary<int, long>();
        var ends = new Dictionary<int, long>();
        foreach (var line in File.ReadAllLines(path))
        {
            var parts = line.Split(' ');
            if (parts.Length == 3)
            {
                (parts[0] == "start" ? starts : ends)[int.Parse(parts[1], CultureInfo.InvariantCulture)] = long.Parse(parts[2], CultureInfo.InvariantCulture);
            }
        }

        return [.. starts.Select(s => new Run(s.Key, s.Value, ends.TryGetValue(s.Key, out var end) ? end : null)).OrderBy(r => r.Start)];
    }

    private static void KillGroup(int pgid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-KILL", "--", $"-{pgid}"]) { RedirectStandardError = true });
        kill?.WaitForExit();
    }

    private sealed record Run(int Pid, long Start, long? End);
}
