using System.Diagnostics;
using System.Text;

namespace CortexHub.EndToEnd.Tests;

/// <summary>The reference agent as a real process against real silos.</summary>
public sealed class AgentEndToEndTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Agent_EchoTask_ReturnsOutputAndExitCode()
    {
        await using var cluster = await StartClusterAsync(StorageKind.Sqlite);
        await using var agent = await StartAgentAsync(cluster, "agent-1");

        await cluster.GetGrain<ITaskGrain>("echo").DispatchAsync(new TaskSpec("agent-1", "echo hello; echo oops >&2; exit 3", "e2e"));
        var task = await WaitFinishedAsync(cluster, "echo");

        Assert.Equal(TaskState.Failed, task.State);
        Assert.Equal(3, task.Result!.ExitCode);
        var events = await cluster.GetGrain<ITaskGrain>("echo").ReadEventsAsync(0, 100);
        Assert.Equal("hello\n", Text(events, OutputStreamKind.Stdout));
        Assert.Equal("oops\n", Text(events, OutputStreamKind.Stderr));
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Agent_50MbBurst_StreamsEveryByteWithBoundedAgentMemory()
    {
        await using var cluster = await StartClusterAsync(StorageKind.Sqlite);
        await using var agent = await StartAgentAsync(cluster, "agent-burst", "--max-unacked-bytes", "1048576");
        const long total = 50_000_000;

        // A full-log cap above the burst, so every byte must land in the journal.
        await cluster.GetGrain<ITaskGrain>("burst").DispatchAsync(new TaskSpec("agent-burst", $"head -c {total} /dev/zero | tr '\\0' 'x'", "e2e", FullLogCapBytes: 64_000_000));
        long peakRss = 0;
        var finished = WaitFinishedAsync(cluster, "burst", TimeSpan.FromMinutes(3));
        while (!finished.IsCompleted)
        {
            peakRss = Math.Max(peakRss, ResidentBytes(agent.ProcessId));
            await Task.WhenAny(finished, Task.Delay(50));
        }

        var task = await finished;
        Assert.Equal(TaskState.Succeeded, task.State);
        long stored = 0;
        for (long after = 0; ; )
        {
            var page = await cluster.GetGrain<ITaskGrain>("burst").ReadEventsAsync(after, 2000);
            if (page.Count == 0)
            {
                break;
            }

            stored += page.Where(e => e.Kind == TaskEventKind.Output).Sum(e => (long)e.Data.Length);
            Assert.All(page, e => Assert.True(e.Kind != TaskEventKind.Output || e.Data.All(b => b == (byte)'x')));
            after = page[^1].Sequence;
        }

        Assert.Equal(total, stored);
        var journal = await cluster.GetGrain<ITaskGrain>("burst").GetJournalAsync();
        Assert.Equal(total, journal.Stdout.Head.Length + journal.Stdout.OmittedBytes + journal.Stdout.Tail.Length);
        Assert.Equal(0, journal.FullLogOmittedBytes);
        // The agent's unacknowledged buffer is capped at 1 MiB; its whole process stays far below the burst size.
        Assert.True(peakRss < 200_000_000, $"agent peak RSS {peakRss / 1_000_000} MB");
    }

    [Fact]
    public async Task Agent_Cancel_KillsTheWholeProcessTree()
    {
        await using var cluster = await StartClusterAsync(StorageKind.Sqlite);
        await using var agent = await StartAgentAsync(cluster, "agent-cancel");
        var marker = "cortexhub-cancel-" + Guid.NewGuid().ToString("N")[..8];

        await cluster.GetGrain<ITaskGrain>("sleepy").DispatchAsync(new TaskSpec("agent-cancel", $"sleep 1000 & (sleep 1000; echo {marker}) & echo started; wait", "e2e"));
        await TestCluster.WaitUntilAsync(async () => (await cluster.GetGrain<ITaskGrain>("sleepy").GetAsync()).State == TaskState.Running, Wait, "the task is running");
        await TestCluster.WaitUntilAsync(() => Task.FromResult(SleepersOf(agent.ProcessId).Count >= 2), Wait, "both sleeps started");
        var sleepers = SleepersOf(agent.ProcessId);

        await cluster.GetGrain<ITaskGrain>("sleepy").CancelAsync("test");
        var task = await WaitFinishedAsync(cluster, "sleepy");

        Assert.Equal(TaskState.Cancelled, task.State);
        await TestCluster.WaitUntilAsync(() => Task.FromResult(sleepers.All(pid => !Directory.Exists($"/proc/{pid}"))), TimeSpan.FromSeconds(10), "every process of the tree is gone");
    }

    [Fact]
    public async Task SiloProcessKilledMidStream_AgentReconnects_JournalHoldsEveryChunkOnceInOrder()
    {
        // The silo runs as a real process; an in-process silo on the same PostgreSQL schema plays the API.
        await using var cluster = await StartClusterAsync(StorageKind.Postgres);
        var storage = cluster.Storage;
        var grpcPort = FreePorts.Next();
        var environment = new Dictionary<string, string?>
        {
            ["CortexHub__Storage__Provider"] = "postgres",
            ["CortexHub__Storage__Postgres__ConnectionString"] = storage.ConnectionString,
            ["CortexHub__Storage__Postgres__Schema"] = storage.Schema,
        };
        var work = Directory.CreateTempSubdirectory("cortexhub-e2e-").FullName;
        string[] ports = ["--CortexHub:Endpoints:BindAddress=127.0.0.1", $"--CortexHub:Endpoints:HttpPort={FreePorts.Next()}", $"--CortexHub:Endpoints:GrpcPort={grpcPort}"];
        var silo = SiloProcess.Start(work, environment, ports);
        await silo.WaitForOutputAsync("Application started", Wait);
        var token = await cluster.GetGrain<INodeGrain>("agent-kill").ProvisionAsync(new NodeProvisionRequest("agent-kill", "e2e"));
        await using var agent = AgentProcess.Start(new Uri($"http://127.0.0.1:{grpcPort}"), "agent-kill", token);
        await TestCluster.WaitUntilAsync(async () => (await cluster.GetGrain<INodeGrain>("agent-kill").GetAsync()).Status == NodeStatus.Online, Wait, "the agent connected");

        await cluster.GetGrain<ITaskGrain>("long").DispatchAsync(new TaskSpec("agent-kill", "for i in $(seq 1 4000); do echo \"line $i\"; if [ $((i % 100)) -eq 0 ]; then sleep 0.05; fi; done", "e2e"));
        await TestCluster.WaitUntilAsync(async () => (await cluster.GetGrain<ITaskGrain>("long").GetAsync()).AckedSequence > 20, Wait, "output is flowing");
        silo.KillHard();
        await silo.WaitForExitAsync(TimeSpan.FromSeconds(10));
        await silo.DisposeAsync();
        await using var restarted = SiloProcess.Start(work, environment, ports);

        var task = await WaitFinishedAsync(cluster, "long", TimeSpan.FromMinutes(2));
        Assert.True(task.State == TaskState.Succeeded, $"The task ended {task.State} ({task.Result?.Error}).\nagent:\n{agent.Output}\nrestarted silo:\n{restarted.Output}");
        var events = new List<TaskEventRecord>();
        for (long after = 0; ; )
        {
            var page = await cluster.GetGrain<ITaskGrain>("long").ReadEventsAsync(after, 5000);
            if (page.Count == 0)
            {
                break;
            }

            events.AddRange(page);
            after = page[^1].Sequence;
        }

        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        var expected = string.Concat(Enumerable.Range(1, 4000).Select(i => $"line {i}\n"));
        Assert.Equal(expected, Text(events, OutputStreamKind.Stdout));
        Assert.Contains("reconnect", agent.Output, StringComparison.OrdinalIgnoreCase);
        Directory.Delete(work, recursive: true);
    }

    private static async Task<TestCluster> StartClusterAsync(StorageKind kind)
    {
        var options = new TestClusterOptions { Storage = await TestStorage.CreateAsync(kind) };
        options.Configuration["CortexHub:Gateway:OutboxPollInterval"] = "00:00:00.500";
        return await TestCluster.StartAsync(options);
    }

    private static async Task<AgentProcess> StartAgentAsync(TestCluster cluster, string nodeId, params string[] extraArgs)
    {
        var token = await cluster.GetGrain<INodeGrain>(nodeId).ProvisionAsync(new NodeProvisionRequest(nodeId, "e2e"));
        var agent = AgentProcess.Start(cluster[0].GrpcAddress, nodeId, token, extraArgs);
        await TestCluster.WaitUntilAsync(async () => (await cluster.GetGrain<INodeGrain>(nodeId).GetAsync()).Status == NodeStatus.Online, Wait, $"agent {nodeId} connected:\n{agent.Output}");
        return agent;
    }

    private static async Task<TaskSnapshot> WaitFinishedAsync(TestCluster cluster, string taskId, TimeSpan? timeout = null)
    {
        TaskSnapshot? snapshot = null;
        await TestCluster.WaitUntilAsync(async () => (snapshot = await cluster.GetGrain<ITaskGrain>(taskId).GetAsync()).IsFinished, timeout ?? Wait, $"task {taskId} finished");
        return snapshot!;
    }

    private static string Text(IEnumerable<TaskEventRecord> events, OutputStreamKind stream) =>
        Encoding.UTF8.GetString(events.Where(e => e.Kind == TaskEventKind.Output && e.Stream == stream).SelectMany(e => e.Data).ToArray());

    private static long ResidentBytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Pids of every <c>sleep</c> descendant of a process.</summary>
    private static List<int> SleepersOf(int root)
    {
        var children = new Dictionary<int, List<int>>();
        var names = new Dictionary<int, string>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var close = stat.LastIndexOf(')');
                names[pid] = stat[(stat.IndexOf('(') + 1)..close];
                var parent = int.Parse(stat[(close + 2)..].Split(' ')[1]);
                (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(pid);
            }
            catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }

        var found = new List<int>();
        var stack = new Stack<int>([root]);
        while (stack.Count > 0)
        {
            foreach (var child in children.GetValueOrDefault(stack.Pop()) ?? [])
            {
                if (names.GetValueOrDefault(child) == "sleep")
                {
                    found.Add(child);
                }

                stack.Push(child);
            }
        }

        return found;
    }
}
