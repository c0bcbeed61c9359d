using CortexHub.Grains.Tasks;

namespace CortexHub.Cli.Tests.Commands;

/// <summary><c>cortex logs</c>: a finished task's log, and following a running one to its end.</summary>
[Collection(HubCollection.Name)]
public sealed class LogsCommandTests(HubFixture hub)
{
    [Fact]
    public async Task LogsFollow_StartedWhileTaskRuns_StreamsLiveToCompletion_ReturnsExitCode()
    {
        var taskId = HubFixture.NewTaskId("follow");
        var release = Path.Combine(TestDirectories.Create("release"), "go");
        await hub.Cluster.GetGrain<ITaskGrain>(taskId).DispatchAsync(new TaskSpec(HubFixture.NodeId,
            $"echo first; echo warn >&2; while [ ! -e {release} ]; do sleep 0.05; done; echo second; exit 7", "admin"));
        await TestCluster.WaitUntilAsync(async () => (await hub.Cluster.GetGrain<ITaskGrain>(taskId).GetAsync()).State == TaskState.Running,
            HubFixture.Wait, "the task runs");

        var stdout = new ConcurrentStringWriter();
        var stderr = new ConcurrentStringWriter();
        var logs = CortexApp.RunAsync(["logs", "-f", taskId], stdout, stderr, hub.LoggedIn());
        await TestCluster.WaitUntilAsync(() => Task.FromResult(stdout.ToString() == "first\n"), HubFixture.Wait, "logs -f printed the first line");
        Assert.False(logs.IsCompleted);
        await File.WriteAllTextAsync(release, "");
        var exitCode = await logs.WaitAsync(HubFixture.Wait);

        Assert.True(exitCode == 7, $"exit {exitCode}\n{stdout}\n{stderr}");
        Assert.Equal("first\nsecond\n", stdout.ToString());
        Assert.Equal("warn\n", stderr.ToString());
    }

    [Fact]
    public async Task Logs_FinishedTask_PrintsEachStream_PlainStripsColours()
    {
        var taskId = HubFixture.NewTaskId("logs");
        var run = await hub.RunAsync("run", "--node", HubFixture.NodeId, "--id", taskId, "--", "sh", "-c", "printf '\\033[31mred\\033[0m\\n'; echo err >&2");
        Assert.True(run.ExitCode == 0, run.ToString());

        var raw = await hub.RunAsync("logs", taskId);
        var plain = await hub.RunAsync("logs", taskId, "--plain");
        var stderr = await hub.RunAsync("logs", taskId, "--stderr");
        var followedPlain = await hub.RunAsync("logs", "-f", taskId, "--plain");
        var followedStderr = await hub.RunAsync("logs", "-f", taskId, "--stderr");

        Assert.Equal("\u001b[31mred\u001b[0m\n", raw.Stdout);
        Assert.Equal("red\n", plain.Stdout);
        Assert.Equal("err\n", stderr.Stdout);
        Assert.True(followedPlain.ExitCode == 0, followedPlain.ToString());
        Assert.Equal("red\n", followedPlain.Stdout);
        Assert.Equal("err\n", followedPlain.Stderr);
        Assert.True(followedStderr.ExitCode == 0, followedStderr.ToString());
        Assert.Equal(("err\n", ""), (followedStderr.Stdout, followedStderr.Stderr));
    }

    [Fact]
    public async Task Logs_UnknownTask_Exits4()
    {
        var result = await hub.RunAsync("logs", "no-such-task");
        var followed = await hub.RunAsync("logs", "-f", "no-such-task");

        Assert.True(result.ExitCode == ExitCodes.NotFound, result.ToString());
        Assert.Contains("Task 'no-such-task' was not found", result.Stderr);
        Assert.True(followed.ExitCode == ExitCodes.NotFound, followed.ToString());
    }
}
