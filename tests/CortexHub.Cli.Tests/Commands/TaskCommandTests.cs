using System.Text.Json.Nodes;
using CortexHub.Grains.Tasks;

namespace CortexHub.Cli.Tests.Commands;

/// <summary><c>cortex task</c> (describe one task), <c>cortex cancel</c>, and task ids given by a unique prefix, against a real hub and node.</summary>
[Collection(HubCollection.Name)]
public sealed class TaskCommandTests(HubFixture hub)
{
    [Fact]
    public async Task Task_FinishedTask_ShowsStateNodeCommandExitCodeTimesTimeoutAndOutputSizes()
    {
        var taskId = HubFixture.NewTaskId("describe");
        var run = await hub.RunAsync("run", "-q", "--node", HubFixture.NodeId, "--id", taskId, "--timeout", "600", "--",
            "sh", "-c", "echo hello; echo err >&2; exit 3");
        Assert.True(run.ExitCode == 3, run.ToString());

        var text = await hub.RunAsync("task", taskId);
        var json = await hub.RunAsync("task", taskId, "--json");

        Assert.True(text.ExitCode == 0, text.ToString());
        var fields = text.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(l => l[..l.IndexOf("  ", StringComparison.Ordinal)], l => l[l.IndexOf("  ", StringComparison.Ordinal)..].Trim());
        Assert.Equal(taskId, fields["id"]);
        Assert.Equal("failed", fields["state"]);
        Assert.Equal(HubFixture.NodeId, fields["node"]);
        Assert.Equal("sh -c 'echo hello; echo err >&2; exit 3'", fields["command"]);
        Assert.Equal("3", fields["exit code"]);
        Assert.Equal("10m00s", fields["timeout"]);
        Assert.Equal("6 bytes", fields["stdout"]);
        Assert.Equal("4 bytes", fields["stderr"]);
        Assert.Equal("admin", fields["created by"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", fields["created"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(after [\dms]+\)$", fields["finished"]);
        Assert.True(json.ExitCode == 0, json.ToString());
        var view = JsonNode.Parse(json.Stdout)!;
        Assert.Equal(taskId, view["task"]!["taskId"]!.GetValue<string>());
        Assert.Equal(3, view["task"]!["result"]!["exitCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task Task_Unknown_Exits4()
    {
        var result = await hub.RunAsync("task", "no-such-task-" + Guid.NewGuid().ToString("N"));

        Assert.True(result.ExitCode == ExitCodes.NotFound, result.ToString());
        Assert.Contains("was not found", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Cancel_RunningTask_CancelsItOnTheHub_Exit0()
    {
        var taskId = HubFixture.NewTaskId("cancel");
        await hub.Cluster.GetGrain<ITaskGrain>(taskId).DispatchAsync(new TaskSpec(HubFixture.NodeId, "echo started; sleep 60", "admin"));
        await TestCluster.WaitUntilAsync(async () => (await hub.Cluster.GetGrain<ITaskGrain>(taskId).GetAsync()).State == TaskState.Running,
            HubFixture.Wait, "the task runs");

        var result = await hub.RunAsync("cancel", taskId);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Cancelling task {taskId}", result.Stdout);
        await TestCluster.WaitUntilAsync(async () => (await hub.Cluster.GetGrain<ITaskGrain>(taskId).GetAsync()).State == TaskState.Cancelled,
            HubFixture.Wait, "the task was cancelled");
    }

    [Fact]
    public async Task Cancel_FinishedTask_SaysSo_Exit7()
    {
        var taskId = HubFixture.NewTaskId("cancel-done");
        Assert.Equal(0, (await hub.RunAsync("run", "-q", "--node", HubFixture.NodeId, "--id", taskId, "--", "true")).ExitCode);

        var result = await hub.RunAsync("cancel", taskId);

        Assert.True(result.ExitCode == 7, result.ToString());
        Assert.Equal($"cortex: task {taskId} already finished (succeeded); nothing to cancel\n", result.Stderr);
    }

    [Fact]
    public async Task Cancel_UnknownTask_Exits4()
    {
        var result = await hub.RunAsync("cancel", "no-such-task-" + Guid.NewGuid().ToString("N"));

        Assert.True(result.ExitCode == ExitCodes.NotFound, result.ToString());
    }

    [Fact]
    public async Task TaskIdPrefix_UniqueResolves_AmbiguousListsCandidates_NoneIsNotFound()
    {
        var stem = "pfx-" + Guid.NewGuid().ToString("N")[..10];
        Assert.Equal(0, (await hub.RunAsync("run", "-q", "--node", HubFixture.NodeId, "--id", stem + "-one", "--", "echo", "one")).ExitCode);
        Assert.Equal(0, (await hub.RunAsync("run", "-q", "--node", HubFixture.NodeId, "--id", stem + "-two", "--", "echo", "two")).ExitCode);

        var unique = await hub.RunAsync("logs", stem + "-o");
        var described = await hub.RunAsync("task", stem + "-t");
        var ambiguous = await hub.RunAsync("task", stem);
        var none = await hub.RunAsync("logs", stem + "-x");

        Assert.True(unique.ExitCode == 0, unique.ToString());
        Assert.Equal("one\n", unique.Stdout);
        Assert.True(described.ExitCode == 0, described.ToString());
        Assert.Contains(stem + "-two", described.Stdout);
        Assert.True(ambiguous.ExitCode == ExitCodes.UsageError, ambiguous.ToString());
        Assert.Contains($"task id prefix '{stem}' is ambiguous", ambiguous.Stderr);
        Assert.Contains(stem + "-one", ambiguous.Stderr);
        Assert.Contains(stem + "-two", ambiguous.Stderr);
        Assert.DoesNotContain("Usage:", ambiguous.Stderr);
        Assert.True(none.ExitCode == ExitCodes.NotFound, none.ToString());
    }

    [Fact]
    public async Task TaskIdPrefix_OfAnIdTheHubMadeUp_Resolves()
    {
        var run = await hub.RunAsync("run", "--node", HubFixture.NodeId, "--", "echo", "made-up");
        var taskId = System.Text.RegularExpressions.Regex.Match(run.Stderr, @"cortex: task (\S+) on node").Groups[1].Value;
        Assert.True(taskId.Length > 8, run.ToString());

        var logs = await hub.RunAsync("logs", taskId[..^6]);

        Assert.True(logs.ExitCode == 0, logs.ToString());
        Assert.Equal("made-up\n", logs.Stdout);
    }
}
