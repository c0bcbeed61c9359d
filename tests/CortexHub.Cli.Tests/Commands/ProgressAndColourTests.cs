using CortexHub.Grains.Nodes;
using CortexHub.Protocol.V1;

namespace CortexHub.Cli.Tests.Commands;

/// <summary>
/// What <c>cortex run</c> draws on a terminal's stderr: a progress bar from a real node's <c>progress</c> events, and
/// colour only when allowed (NO_COLOR, <c>--color</c>). The node is a real gRPC peer (<see cref="TestNode"/>) so the
/// test decides which events it sends.
/// </summary>
[Collection(HubCollection.Name)]
public sealed class ProgressAndColourTests(HubFixture hub)
{
    private const string Dim = "\u001b[2m";

    [Fact]
    public async Task Run_ProgressEvents_DrawABarOnATerminal_AndTaskShowsTheLastProgress()
    {
        var (stderr, stdout, exitCode, taskId) = await RunWithNodeAsync(hub.LoggedIn(), [], terminal: true);

        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
        Assert.Equal("compiled\n", stdout);
        Assert.Contains("\r\u001b[2K[############                  ]  42% compiling", stderr);
        Assert.Contains("\r\u001b[2K[<=>                           ]      linking", stderr);
        Assert.DoesNotContain("progress 42%", stderr); // a bar, not a line per event
        var described = await hub.RunAsync("task", taskId);
        Assert.Contains("\nprogress    unknown: linking\n", described.Stdout);
    }

    [Fact]
    public async Task Run_ProgressEvents_StderrNotATerminal_ShowsNothing()
    {
        var (stderr, stdout, exitCode, _) = await RunWithNodeAsync(hub.LoggedIn(), ["-q"], terminal: false);

        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
        Assert.Equal(("compiled\n", ""), (stdout, stderr));
    }

    [Fact]
    public async Task Run_NoColorSet_Terminal_DrawsWithoutColour_ColorAlwaysBeatsIt()
    {
        var environment = hub.LoggedIn();
        environment["NO_COLOR"] = "1";

        var (plain, _, plainExit, _) = await RunWithNodeAsync(environment, [], terminal: true);
        var (never, _, neverExit, _) = await RunWithNodeAsync(hub.LoggedIn(), ["--color", "never"], terminal: true);
        var (always, _, alwaysExit, _) = await RunWithNodeAsync(environment, ["--color", "always"], terminal: true);
        var (auto, _, autoExit, _) = await RunWithNodeAsync(hub.LoggedIn(), [], terminal: true);

        Assert.Equal((0, 0, 0, 0), (plainExit, neverExit, alwaysExit, autoExit));
        Assert.Contains("waiting for node", plain);
        Assert.DoesNotContain(Dim, plain);
        Assert.DoesNotContain(Dim, never);
        Assert.Contains(Dim, always);
        Assert.Contains(Dim, auto);
    }

    [Fact]
    public async Task Color_BadValue_IsAUsageError()
    {
        var result = await hub.RunAsync("tasks", "--color", "sometimes");

        Assert.True(result.ExitCode == ExitCodes.UsageError, result.ToString());
        Assert.Contains("sometimes", result.Stderr);
    }

    /// <summary>
    /// Runs <c>cortex run</c> on a fresh node of its own that sends: started, progress 0.42 "compiling", output,
    /// progress unknown "linking", result 0.
    /// </summary>
    private async Task<(string Stderr, string Stdout, int ExitCode, string TaskId)> RunWithNodeAsync(
        Dictionary<string, string?> environment, string[] options, bool terminal)
    {
        var nodeId = "prog-" + Guid.NewGuid().ToString("N")[..10];
        var taskId = HubFixture.NewTaskId("progress");
        var token = await hub.Cluster.GetGrain<INodeGrain>(nodeId).ProvisionAsync(new NodeProvisionRequest(nodeId, "admin"));
        var (node, _) = await TestNode.ConnectAsync(hub.Cluster[0].GrpcAddress, nodeId, token);
        await using var _ = node;
        var stdout = new ConcurrentStringWriter();
        var stderr = new ConcurrentStringWriter();
        var run = CortexApp.RunAsync(["run", .. options, "--node", nodeId, "--id", taskId, "--", "make"], new CliContext
        {
            Out = stdout,
            Error = stderr,
            Environment = environment,
            ErrorIsTerminal = terminal,
        });

        await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Dispatch && m.Dispatch.TaskId == taskId, HubFixture.Wait);
        await node.SendEventAsync(taskId, 1, e => e.Started = new TaskStarted { Pid = 42 });
        await node.SendEventAsync(taskId, 2, e => e.Progress = new TaskProgress { Fraction = 0.42, Message = "compiling" });
        await node.SendOutputAsync(taskId, 3, "compiled\n");
        await node.SendEventAsync(taskId, 4, e => e.Progress = new TaskProgress { Fraction = -1, Message = "linking" });
        await node.SendResultAsync(taskId, 5, 0);
        var exitCode = await run.WaitAsync(HubFixture.Wait);
        return (stderr.ToString(), stdout.ToString(), exitCode, taskId);
    }
}
