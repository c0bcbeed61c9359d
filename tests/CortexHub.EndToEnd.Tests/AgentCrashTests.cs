using System.Diagnostics;
using System.Globalization;
using CortexHub.Grains.Pool;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CortexHub.EndToEnd.Tests;

/// <summary>
/// The reference agent as a real process through crashes: the agent SIGKILLed mid pool item and restarted,
/// and the hub SIGKILLed again and again while a task streams.
/// </summary>
public sealed class AgentCrashTests(ITestOutputHelper output)
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
