namespace CortexHub.Cli.Tests.Commands;

/// <summary><c>cortex run</c> against a real silo and a real node.</summary>
[Collection(HubCollection.Name)]
public sealed class RunCommandTests(HubFixture hub)
{
    [Fact]
    public async Task Run_CommandExits3_PrintsItsOutputAndReturns3()
    {
        var result = await hub.RunAsync("run", "--node", HubFixture.NodeId, "--", "sh", "-c", "echo hi; exit 3");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal("hi\n", result.Stdout);
        // The task's id, then nothing: an exit code speaks for itself; stderr is not a terminal, so no progress either.
        Assert.Matches($@"^cortex: task t-[0-9a-f]{{32}} on node {HubFixture.NodeId}\n$", result.Stderr);
    }

    [Fact]
    public async Task Run_PrintsTheTaskIdOnStderr_QuietLeavesStderrToTheTask()
    {
        var result = await hub.RunAsync("run", "--node", HubFixture.NodeId, "--", "sh", "-c", "echo out; echo err >&2");
        var quiet = await hub.RunAsync("run", "--quiet", "--node", HubFixture.NodeId, "--", "sh", "-c", "echo out; echo err >&2");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("out\n", result.Stdout);
        var taskId = System.Text.RegularExpressions.Regex.Match(result.Stderr, @"^cortex: task (t-[0-9a-f]{32}) on node cli-node\nerr\n$").Groups[1].Value;
        Assert.True(taskId.Length > 0, result.ToString());
        Assert.Equal(0, (await hub.RunAsync("task", taskId)).ExitCode);
        Assert.True(quiet.ExitCode == 0, quiet.ToString());
        Assert.Equal(("out\n", "err\n"), (quiet.Stdout, quiet.Stderr));
    }

    [Fact]
    public async Task Run_TimedOut_ExitCode124_InTheApiTheResultEventTasksAndTask()
    {
        var taskId = HubFixture.NewTaskId("timeout");
        var run = await hub.RunAsync("run", "-q", "--node", HubFixture.NodeId, "--id", taskId, "--timeout", "1", "--", "sleep", "30");
        Assert.True(run.ExitCode == 124, run.ToString());

        using var api = new HttpClient { BaseAddress = hub.Hub };
        api.DefaultRequestHeaders.Authorization = new("Bearer", HubFixture.AdminKey);
        var view = System.Text.Json.Nodes.JsonNode.Parse(await api.GetStringAsync($"/api/v1/tasks/{taskId}"))!;
        var events = await hub.RunAsync("logs", "-f", taskId, "--json");
        var tasks = await hub.RunAsync("tasks", "--limit", "1000");
        var described = await hub.RunAsync("task", taskId);

        Assert.Equal("timedOut", view["task"]!["state"]!.GetValue<string>());
        Assert.Equal(124, view["task"]!["result"]!["exitCode"]!.GetValue<int>());
        var result = events.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!)
            .Single(l => l["event"]!.GetValue<string>() == "result");
        Assert.Equal(124, result["data"]!["exitCode"]!.GetValue<int>());
        Assert.Equal(124, events.ExitCode);
        Assert.Matches(@"\btimedOut\s+124\b", tasks.Stdout.Split('\n').Single(l => l.StartsWith(taskId + " ", StringComparison.Ordinal)));
        Assert.Matches(@"\nexit code\s+124\n", described.Stdout);
    }

    [Fact]
    public async Task Plain_CarriageReturns_ShowEachLinesFinalState_InRunLogsAndLogsFollow()
    {
        var taskId = HubFixture.NewTaskId("cr");
        string[] command = ["printf", "step 1\\rstep 2\\rstep 3\\r\\nabcdef\\rxy\\n\\033[32mok\\033[0m\\r\\nend"];
        var run = await hub.RunAsync(["run", "-q", "--plain", "--node", HubFixture.NodeId, "--id", taskId, "--", .. command]);

        var raw = await hub.RunAsync("logs", taskId);
        var plain = await hub.RunAsync("logs", taskId, "--plain");
        var followed = await hub.RunAsync("logs", "-f", taskId, "--plain");

        const string Rendered = "step 3\nxycdef\nok\nend";
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(Rendered, run.Stdout);
        Assert.Equal("step 1\rstep 2\rstep 3\r\nabcdef\rxy\n\u001b[32mok\u001b[0m\r\nend", raw.Stdout);
        Assert.Equal(Rendered, plain.Stdout);
        Assert.Equal(Rendered, followed.Stdout);
    }

    [Fact]
    public async Task Run_SucceedingCommand_Returns0_KeepsOrderAndSeparatesStreams()
    {
        var result = await hub.RunAsync("run", "--node", HubFixture.NodeId, "--", "sh", "-c",
            "for i in $(seq 1 300); do echo \"line $i\"; done; echo oops >&2; echo after");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(string.Concat(Enumerable.Range(1, 300).Select(i => $"line {i}\n")) + "after\n", result.Stdout);
        Assert.EndsWith($" on node {HubFixture.NodeId}\noops\n", result.Stderr);
    }

    [Fact]
    public async Task Run_ArgumentsWithSpacesQuotesAndDollars_ReachTheCommandUnchanged()
    {
        var result = await hub.RunAsync("run", "--node", HubFixture.NodeId, "--", "printf", "%s|", "a b", "it's", "$HOME", "", "*");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("a b|it's|$HOME||*|", result.Stdout);
    }

    [Fact]
    public async Task Run_Timeout_Returns124()
    {
        var result = await hub.RunAsync("run", "--node", HubFixture.NodeId, "--timeout", "1", "--", "sleep", "30");

        Assert.True(result.ExitCode == 124, result.ToString());
        Assert.Contains("timed out", result.Stderr);
    }

    [Fact]
    public async Task Run_Interrupted_CancelsTheTaskOnTheHub_FollowsToItsEnd_Returns130()
    {
        var taskId = HubFixture.NewTaskId("ctrl-c");
        var stdout = new ConcurrentStringWriter();
        var stderr = new ConcurrentStringWriter();
        using var interrupt = new CancellationTokenSource();
        var run = CortexApp.RunAsync(["run", "--node", HubFixture.NodeId, "--id", taskId, "--", "sh", "-c", "echo started; sleep 60"],
            stdout, stderr, hub.LoggedIn(), interrupt.Token);
        await TestCluster.WaitUntilAsync(() => Task.FromResult(stdout.ToString() == "started\n"), HubFixture.Wait, "the command started");

        interrupt.Cancel();
        var exitCode = await run.WaitAsync(HubFixture.Wait);

        Assert.True(exitCode == 130, $"exit {exitCode}\n{stdout}\n{stderr}");
        Assert.Contains($"cortex: cancelling task {taskId}", stderr.ToString());
        Assert.Equal(Grains.Tasks.TaskState.Cancelled, (await hub.Cluster.GetGrain<Grains.Tasks.ITaskGrain>(taskId).GetAsync()).State);
    }

    [Fact]
    public async Task Run_GivenId_ThenTasksListsIt()
    {
        var taskId = HubFixture.NewTaskId("run-id");
        Assert.Equal(0, (await hub.RunAsync("run", "--node", HubFixture.NodeId, "--id", taskId, "--", "true")).ExitCode);

        var tasks = await hub.RunAsync("tasks", "--limit", "1000");

        Assert.True(tasks.ExitCode == 0, tasks.ToString());
        var row = tasks.Stdout.Split('\n').Single(l => l.StartsWith(taskId + " ", StringComparison.Ordinal));
        Assert.Contains(HubFixture.NodeId, row);
        Assert.Contains("succeeded", row);
        Assert.StartsWith("ID ", tasks.Stdout);
    }

    [Fact]
    public async Task Run_UnknownNode_IsAnApiErrorNamingTheField()
    {
        var result = await hub.RunAsync("run", "--node", "no-such-node", "--", "true");

        Assert.True(result.ExitCode == ExitCodes.ApiError, result.ToString());
        Assert.Matches(@"^cortex: The request is invalid: See errors for each field\. \(error id [0-9a-f]{12}\)\n", result.Stderr);
        Assert.Contains("  nodeId: No node 'no-such-node'", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr); // no stack trace
    }

    [Fact]
    public async Task Run_Json_PrintsOneParsableEventPerLine_EndingWithTheResult()
    {
        var result = await hub.RunAsync("run", "--json", "--node", HubFixture.NodeId, "--", "sh", "-c", "echo hi; exit 5");

        Assert.True(result.ExitCode == 5, result.ToString());
        var lines = result.Stdout.TrimEnd('\n').Split('\n').Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal("dispatched", lines[0]["event"]!.GetValue<string>());
        Assert.Contains(lines, l => l["event"]!.GetValue<string>() == "output" && l["data"]!["text"]!.GetValue<string>() == "hi\n");
        Assert.Equal(5, lines.Single(l => l["event"]!.GetValue<string>() == "result")["data"]!["exitCode"]!.GetValue<int>());
    }
}
