using System.Text.Json.Nodes;

namespace CortexHub.Cli.Tests.Sessions;

/// <summary>
/// <c>exec -it</c> and <c>attach</c> against a peer that speaks the attach WebSocket as scripted: the reconnect
/// bookkeeping, refusals and raw-mode restore on each way out. The real hub and node are in SessionEndToEndTests.
/// </summary>
public sealed class SessionAttachmentTests
{
    [Fact]
    public async Task Exec_SocketDropsMidSession_ReattachesAfterWhatWasShown_NoByteTwice_ExitsWithTheProgramsCode()
    {
        await using var hub = await FakeSessionHub.StartAsync(async (n, after, connection) =>
        {
            if (n == 0)
            {
                await connection.AttachedAsync(0);
                await connection.OutputAsync("hello ");
                await WaitUntilAsync(() => connection.Received.Contains("bin:x"), "the typed x arrived");
                connection.Drop();
                return;
            }

            await connection.AttachedAsync(4); // replays "o " from before the offset asked for
            await connection.OutputAsync("o wor");
            await connection.OutputAsync("ld");
            await connection.ExitAsync("failed", 3);
        });
        using var terminal = new FakeTerminal();
        var (context, stderr) = Context(hub, terminal);
        await terminal.Keyboard.WriteAsync("x"u8.ToArray());

        var exitCode = await CortexApp.RunAsync(["exec", "-it", "n1", "--", "python3", "-c", "print('a b')"], context).WaitAsync(HubFixture.Wait);

        Assert.True(exitCode == 3, $"exit {exitCode}\n{stderr}");
        Assert.Equal("hello world", terminal.Screen);
        Assert.Equal([0L, 6L], hub.Attaches.ToArray());
        var opened = JsonNode.Parse(hub.Opened.Single())!;
        Assert.Equal("n1", opened["nodeId"]!.GetValue<string>());
        Assert.Equal("python3 -c 'print('\\''a b'\\'')'", opened["command"]!.GetValue<string>());
        Assert.Equal((100, 30), (opened["columns"]!.GetValue<int>(), opened["rows"]!.GetValue<int>()));
        Assert.Equal((1, 1), (terminal.RawModeEntered, terminal.RawModeRestored));
        Assert.Equal(["cortex: lost the hub; reconnecting…", "(cleared)"], terminal.Notices);
    }

    [Fact]
    public async Task Exec_HubRefusesTheAttach_ExitsNotFound_WithItsMessage_TerminalRestored()
    {
        await using var hub = await FakeSessionHub.StartAsync((_, _, connection) => connection.ErrorAsync(404, "Session not found"));
        using var terminal = new FakeTerminal();
        var (context, stderr) = Context(hub, terminal);

        var exitCode = await CortexApp.RunAsync(["exec", "-it", "n1"], context).WaitAsync(HubFixture.Wait);

        Assert.True(exitCode == ExitCodes.NotFound, $"exit {exitCode}\n{stderr}");
        Assert.Contains("cortex: Session not found: nope (error id e1)", stderr.ToString());
        Assert.Null(JsonNode.Parse(hub.Opened.Single())!["command"]);
        Assert.Equal((1, 1), (terminal.RawModeEntered, terminal.RawModeRestored));
    }

    [Fact]
    public async Task Exec_ErrorFrameWhileAttached_StaysAttached_ShowsTheRest()
    {
        await using var hub = await FakeSessionHub.StartAsync(async (_, _, connection) =>
        {
            await connection.AttachedAsync(0);
            await connection.OutputAsync("before ");
            await connection.ErrorFrameAsync(409, "Conflict."); // as the hub answers input after the program ended
            await connection.OutputAsync("after");
            await connection.ExitAsync("succeeded", 0);
        });
        using var terminal = new FakeTerminal();
        var (context, stderr) = Context(hub, terminal);

        var exitCode = await CortexApp.RunAsync(["exec", "-it", "n1", "--", "true"], context).WaitAsync(HubFixture.Wait);

        Assert.True(exitCode == 0, $"exit {exitCode}\n{stderr}");
        Assert.Equal("before after", terminal.Screen);
        Assert.Single(hub.Attaches);
    }

    [Fact]
    public async Task Attach_WindowSizeDiffersAndChanges_SendsResizeFrames_FromTheRetainedTail()
    {
        await using var hub = await FakeSessionHub.StartAsync(async (_, _, connection) =>
        {
            await connection.AttachedAsync(500);
            await connection.OutputAsync(">>> ");
            await WaitUntilAsync(() => connection.Received.Count(f => f.Contains("resize", StringComparison.Ordinal)) == 2, "two resize frames");
            await connection.ExitAsync("cancelled", null);
        });
        using var terminal = new FakeTerminal { Size = new(90, 20) };
        var (context, stderr) = Context(hub, terminal);

        var run = CortexApp.RunAsync(["attach", "s-"], context);
        await WaitUntilAsync(() => terminal.Screen == ">>> ", "the first output");
        terminal.Resize(120, 40);
        var exitCode = await run.WaitAsync(HubFixture.Wait);

        Assert.True(exitCode == ExitCodes.TaskCancelled, $"exit {exitCode}\n{stderr}");
        Assert.Equal([null], hub.Attaches.ToArray());
        Assert.Equal(
            ["{\"type\":\"resize\",\"columns\":90,\"rows\":20}", "{\"type\":\"resize\",\"columns\":120,\"rows\":40}"],
            hub.Received.Where(f => f.Contains("resize", StringComparison.Ordinal)));
        Assert.Contains("cortex: session s-1 was closed", stderr.ToString());
        Assert.False(terminal.InRawMode);
    }

    private static (CliContext Context, ConcurrentStringWriter Stderr) Context(FakeSessionHub hub, FakeTerminal terminal)
    {
        var stderr = new ConcurrentStringWriter();
        return (new CliContext
        {
            Out = new ConcurrentStringWriter(),
            Error = stderr,
            Environment = HubFixture.Environment(("CORTEX_HUB", hub.Address.ToString()), ("CORTEX_API_KEY", "chk.u.k.s")),
            Terminal = terminal,
        }, stderr);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var deadline = new CancellationTokenSource(HubFixture.Wait);
        while (!condition())
        {
            await Task.Delay(20, deadline.Token).ContinueWith(t => t.IsCanceled ? throw new TimeoutException($"waited for {what}") : t);
        }
    }
}
