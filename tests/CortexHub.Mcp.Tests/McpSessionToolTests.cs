using System.Text.RegularExpressions;
using ModelContextProtocol.Client;

namespace CortexHub.Mcp.Tests;

/// <summary>The session tools (open_session, send_input, read_screen, close_session) against a real hub and the real agent's pseudo-terminals.</summary>
[Collection(McpHubCollection.Name)]
public sealed partial class McpSessionToolTests(McpHub hub)
{
    // Generous: the machine running the tests is busy; the tools return as soon as the screen shows the text.
    private const int WaitSeconds = 90;

    [Fact]
    public async Task Python_TypeOnePlusOne_ScreenShowsTwo()
    {
        await using var client = await hub.ClientAsync(hub.AliceKey);
        var opened = await client.OkAsync("open_session", new { nodeId = McpHub.AliceNode, command = "python3 -q", columns = 60, rows = 12 });
        var session = SessionId(opened);
        Assert.Contains($"on node {McpHub.AliceNode}: python3 -q on a 60x12 terminal", opened);

        await client.OkAsync("read_screen", new { sessionId = session, waitFor = ">>>", waitSeconds = WaitSeconds });
        var sent = await client.OkAsync("send_input", new { sessionId = session, text = "1+1", enter = true });
        Assert.Contains("Sent 4 bytes", sent);
        var screen = await client.OkAsync("read_screen", new { sessionId = session, waitFor = ">>> 1+1\n2\n>>>", waitSeconds = WaitSeconds });

        Assert.Contains($"Session {session} on node {McpHub.AliceNode} (python3 -q): running; screen 60x12, cursor at row 3, column 5 (from 1).", screen);
        Assert.EndsWith("\n>>> 1+1\n2\n>>>", screen);

        var closed = await client.OkAsync("close_session", new { sessionId = session });
        Assert.Contains($"Closing session {session}", closed);
        var ended = await client.OkAsync("wait_task", new { taskId = session, waitSeconds = WaitSeconds });
        Assert.Contains("cancelled", ended);
        Assert.Contains("had already ended: cancelled", await client.OkAsync("close_session", new { sessionId = session }));
    }

    [Fact]
    public async Task Shell_FullScreenProgram_ScreenIsWhatItDrew()
    {
        await using var client = await hub.ClientAsync(hub.AliceKey);
        var session = SessionId(await client.OkAsync("open_session", new { nodeId = McpHub.AliceNode, command = "bash --norc --noprofile -i", columns = 40, rows = 8 }));

        await client.OkAsync("send_input", new { sessionId = session, text = "clear; tput cup 4 6; printf 'at 5,7'; tput cols", enter = true });
        var screen = await client.OkAsync("read_screen", new { sessionId = session, waitFor = "at 5,740", waitSeconds = WaitSeconds });

        var rows = screen[(screen.IndexOf('\n') + 1)..].Split('\n');
        Assert.All(rows[..4], row => Assert.Equal("", row));
        Assert.Equal("      at 5,740", rows[4]); // tput cols printed 40 right after the text
        Assert.Contains("screen 40x8", screen);

        await client.OkAsync("send_input", new { sessionId = session, text = "exit 7", enter = true });
        Assert.Contains("exit code 7", await client.OkAsync("wait_task", new { taskId = session, waitSeconds = WaitSeconds }));
        var last = await client.OkAsync("read_screen", new { sessionId = session });
        Assert.Contains(": failed, exit code 7;", last);
    }

    [Fact]
    public async Task UserB_AlicesSession_UnknownToEveryToolAndUntouched()
    {
        await using var alice = await hub.ClientAsync(hub.AliceKey);
        await using var bob = await hub.ClientAsync(hub.BobKey);
        var session = SessionId(await alice.OkAsync("open_session", new { nodeId = McpHub.AliceNode, command = "cat" }));

        var unknown = $"Unknown session '{session}': no session with that id is yours.";
        Assert.StartsWith(unknown, await bob.ErrorAsync("send_input", new { sessionId = session, text = "from bob", enter = true }));
        Assert.StartsWith(unknown, await bob.ErrorAsync("read_screen", new { sessionId = session }));
        Assert.StartsWith(unknown, await bob.ErrorAsync("close_session", new { sessionId = session }));
        Assert.StartsWith($"Unknown node '{McpHub.AliceNode}'", await bob.ErrorAsync("open_session", new { nodeId = McpHub.AliceNode, command = "id" }));
        Assert.StartsWith($"Unknown task '{session}'", await bob.ErrorAsync("get_task", new { taskId = session }));

        await alice.OkAsync("send_input", new { sessionId = session, text = "from alice", enter = true });
        var screen = await alice.OkAsync("read_screen", new { sessionId = session, waitFor = "from alice\nfrom alice", waitSeconds = WaitSeconds });
        Assert.DoesNotContain("bob", screen);
        Assert.Contains(": running;", screen);
        await alice.OkAsync("close_session", new { sessionId = session });
    }

    [Fact]
    public async Task ReadScreen_WaitForTextThatNeverComes_ErrorWithTheScreen()
    {
        await using var client = await hub.ClientAsync(hub.AliceKey);
        var session = SessionId(await client.OkAsync("open_session", new { nodeId = McpHub.AliceNode, command = "echo ready; exec cat" }));
        await client.OkAsync("read_screen", new { sessionId = session, waitFor = "ready", waitSeconds = WaitSeconds });

        var missed = await client.ErrorAsync("read_screen", new { sessionId = session, waitFor = "never shown", waitSeconds = 0.5 });

        Assert.StartsWith("Timeout: the screen did not show \"never shown\" within 0.5 s. Its screen now:\n", missed);
        Assert.EndsWith("\nready", missed);
        await client.OkAsync("close_session", new { sessionId = session });
    }

    [Fact]
    public async Task Tools_BadInput_ClearToolErrors()
    {
        await using var client = await hub.ClientAsync(hub.AliceKey);

        Assert.StartsWith("Unknown session 'no-such-session'", await client.ErrorAsync("read_screen", new { sessionId = "no-such-session" }));
        Assert.StartsWith("Unknown node 'no-such-node'", await client.ErrorAsync("open_session", new { nodeId = "no-such-node" }));
        Assert.Contains("columns: Must be between 1 and 1000.", await client.ErrorAsync("open_session", new { nodeId = McpHub.AliceNode, columns = 0 }));
        Assert.StartsWith($"Node '{McpHub.AliceOfflineNode}' is offline", await client.ErrorAsync("open_session", new { nodeId = McpHub.AliceOfflineNode }));

        var session = SessionId(await client.OkAsync("open_session", new { nodeId = McpHub.AliceNode, command = "exit 0" }));
        Assert.StartsWith("Nothing to send", await client.ErrorAsync("send_input", new { sessionId = session, text = "" }));
        Assert.Contains("waitSeconds must be between 0 and 300", await client.ErrorAsync("read_screen", new { sessionId = session, waitSeconds = 301 }));
        Assert.Contains("succeeded", await client.OkAsync("wait_task", new { taskId = session, waitSeconds = WaitSeconds }));
        Assert.Contains("open_session opens a new session", await client.ErrorAsync("send_input", new { sessionId = session, text = "late" }));

        // A plain task is not a session: it has no screen here.
        var task = McpToolTests.TaskId(await client.OkAsync("start_command", new { nodeId = McpHub.AliceNode, command = "true" }));
        Assert.StartsWith($"Unknown session '{task}'", await client.ErrorAsync("read_screen", new { sessionId = task }));
    }

    [Fact]
    public async Task TerminalHistory_IsTheScreenOfTheLatestSession_UnderAHeaderNamingIt()
    {
        await using var client = await hub.ClientAsync(hub.AliceKey);
        var marker = $"history-{Guid.NewGuid():N}";
        var session = SessionId(await client.OkAsync("open_session", new { nodeId = McpHub.AliceNode, command = $"echo {marker}; exec cat", columns = 50, rows = 6 }));
        await client.OkAsync("read_screen", new { sessionId = session, waitFor = marker, waitSeconds = WaitSeconds });

        var history = await client.OkAsync("terminal_history", new { nodeId = McpHub.AliceNode });
        await client.OkAsync("close_session", new { sessionId = session });

        Assert.StartsWith($"terminal of node {McpHub.AliceNode}: session {session} (running), screen 50x6, cursor at row 2, column 1 (from 1):\n", history);
        Assert.EndsWith("\n" + marker, history);
    }

    internal static string SessionId(string opened) => OpenedPattern().Match(opened) is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException(opened);

    [GeneratedRegex(@"^Opened session (\S+) ")]
    private static partial Regex OpenedPattern();
}
