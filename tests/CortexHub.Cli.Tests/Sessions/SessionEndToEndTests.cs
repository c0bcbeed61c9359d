using System.Diagnostics;
using System.Text.RegularExpressions;

namespace CortexHub.Cli.Tests.Sessions;

/// <summary>
/// <c>cortex exec -it</c>, <c>attach</c>, <c>sessions</c>, <c>session close</c> and <c>run --stdin</c> as a person uses
/// them: the built cortex in a tmux pane, a real silo and a real node agent running the programs on real
/// pseudo-terminals.
/// </summary>
[Collection(HubCollection.Name)]
public sealed partial class SessionEndToEndTests(HubFixture hub)
{
    [Fact]
    public async Task ExecIt_Python_OnePlusOneShowsTwo_CtrlDEndsIt_WithPythonsExitCode()
    {
        await using var pane = await TmuxPane.StartAsync($"{TmuxPane.Cortex("exec", "-it", HubFixture.NodeId, "--", "python3")}; echo \"[exit $?]\"", Environment());

        await pane.WaitForScreenAsync(s => s.EndsWith(">>>", StringComparison.Ordinal), "python's prompt"); // capture-pane trims the blank after it
        await pane.TypeAsync("1+1");
        await pane.PressAsync("Enter");
        await pane.WaitForScreenAsync(s => Line("2").IsMatch(s), "2 on a line of its own");
        await pane.PressAsync("C-d");
        var screen = await pane.WaitForScreenAsync(s => s.Contains("[exit "), "cortex's exit");

        Assert.Contains("[exit 0]", screen);
    }

    [Fact]
    public async Task ExecIt_CommandExits3_CortexExits3()
    {
        await using var pane = await TmuxPane.StartAsync($"{TmuxPane.Cortex("exec", "-it", HubFixture.NodeId, "--", "bash", "-c", "echo started; exit 3")}; echo \"[exit $?]\"", Environment());

        var screen = await pane.WaitForScreenAsync(s => s.Contains("[exit "), "cortex's exit");

        Assert.Contains("started", screen);
        Assert.Contains("[exit 3]", screen);
    }

    [Fact]
    public async Task ExecIt_WindowResized_TputColsFollows()
    {
        await using var pane = await TmuxPane.StartAsync(
            $"{TmuxPane.Cortex("exec", "-it", HubFixture.NodeId, "--", "bash", "--norc", "--noprofile")}; echo \"[exit $?]\"", Environment(), 80, 24);
        await pane.TypeAsync("PS1='$ '; echo ready");
        await pane.PressAsync("Enter");
        await pane.WaitForScreenAsync(s => Line("ready").IsMatch(s), "bash ready");

        await pane.TypeAsync("echo cols=$(tput cols)");
        await pane.PressAsync("Enter");
        await pane.WaitForScreenAsync(s => Line("cols=80").IsMatch(s), "tput cols at 80");
        await pane.ResizeAsync(120, 30);
        // Retyped until seen: the resize travels cortex → hub → node while this types.
        await WaitTypingAsync(pane, "echo cols=$(tput cols) rows=$(tput lines)", s => Line("cols=120 rows=30").IsMatch(s), "tput after the resize");
        await pane.TypeAsync("exit 0");
        await pane.PressAsync("Enter");

        Assert.Contains("[exit 0]", await pane.WaitForScreenAsync(s => s.Contains("[exit "), "cortex's exit"));
    }

    [Fact]
    public async Task Sessions_ListsTheOpenSession_AttachShowsIt_SessionCloseEndsIt()
    {
        await using var pane = await TmuxPane.StartAsync(
            $"{TmuxPane.Cortex("exec", "-it", HubFixture.NodeId, "--", "bash", "--norc", "--noprofile")}; echo \"[exit $?]\"", Environment());
        await pane.TypeAsync("echo marker-$((6*7))");
        await pane.PressAsync("Enter");
        await pane.WaitForScreenAsync(s => Line("marker-42").IsMatch(s), "the marker");

        var listed = await hub.RunAsync("sessions", "--node", HubFixture.NodeId, "--json");
        var sessionId = System.Text.Json.Nodes.JsonNode.Parse(listed.Stdout)!["sessions"]!.AsArray()
            .Select(s => s!)
            .First(s => s["state"]!.GetValue<string>() == "running" && s["command"]!.GetValue<string>().StartsWith("bash", StringComparison.Ordinal))["id"]!.GetValue<string>();
        var table = await hub.RunAsync("sessions");
        await using var second = await TmuxPane.StartAsync($"{TmuxPane.Cortex("attach", sessionId[..^4])}; echo \"[exit $?]\"", Environment());
        await second.WaitForScreenAsync(s => Line("marker-42").IsMatch(s), "the attached viewer's screen");
        var closed = await hub.RunAsync("session", "close", sessionId[..^2]);

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Matches($@"(?m)^{sessionId}\s+{HubFixture.NodeId}\s+running\s+-\s+80x24\s", table.Stdout);
        Assert.True(closed.ExitCode == 0, closed.ToString());
        Assert.Contains($"Closing session {sessionId}", closed.Stdout);
        Assert.Contains("[exit 130]", await pane.WaitForScreenAsync(s => s.Contains("[exit "), "exec's exit after the close"));
        Assert.Contains("[exit 130]", await second.WaitForScreenAsync(s => s.Contains("[exit "), "attach's exit after the close"));
    }

    [Fact]
    public async Task ExecIt_NoSuchNode_NotFound_Exit4()
    {
        await using var pane = await TmuxPane.StartAsync($"{TmuxPane.Cortex("exec", "-it", "no-such-node", "--", "true")}; echo \"[exit $?]\"; stty -a", Environment());

        var screen = await pane.WaitForScreenAsync(s => s.Contains("[exit ") && s.Contains("icanon"), "cortex's exit and stty");

        Assert.Contains("[exit 4]", screen);
        Assert.Matches(@"(^|\s)icanon\s", screen);
    }

    [Fact]
    public async Task RunStdin_FileRedirected_WcCountsEveryByte()
    {
        var file = Path.Combine(TestDirectories.Create("stdin"), "input.bin");
        var bytes = new byte[200_000]; // several 64 KiB input calls
        Random.Shared.NextBytes(bytes);
        await File.WriteAllBytesAsync(file, bytes);

        var result = await ShellAsync($"{TmuxPane.Cortex("run", "-q", "--stdin", "--node", HubFixture.NodeId, "--", "wc", "-c")} < {file}");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("200000", result.Stdout.Trim());
    }

    [Fact]
    public async Task ExecIt_StdinPiped_RunsAsAPlainTaskWithThatStdin()
    {
        var result = await ShellAsync($"printf 'print(6*7)\n' | {TmuxPane.Cortex("exec", "-it", HubFixture.NodeId, "--", "python3")}");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("42\n", result.Stdout);
    }

    [Fact]
    public async Task ExecI_WithoutTerminal_StdinPipedToAPlainTask()
    {
        var result = await ShellAsync($"printf 'abc' | {TmuxPane.Cortex("exec", "-i", HubFixture.NodeId, "--", "tr", "a-z", "A-Z")}");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("ABC", result.Stdout);
    }

    [Fact]
    public async Task Run_WithoutStdin_CatReadsEndOfFileAtOnce()
    {
        var result = await hub.RunAsync("run", "-q", "--node", HubFixture.NodeId, "--", "cat");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stdout);
    }

    private Dictionary<string, string?> Environment() => hub.LoggedIn().Where(v => v.Key != "HOME").ToDictionary();

    private async Task<CliResult> ShellAsync(string script)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (var (name, value) in Environment())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(HubFixture.Wait);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true); // the failure shows what it printed so far
            await process.WaitForExitAsync();
            return new CliResult(-1, await stdout, await stderr);
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    internal static async Task WaitTypingAsync(TmuxPane pane, string line, Func<string, bool> shown, string what)
    {
        for (var attempt = 0; ; attempt++)
        {
            await pane.TypeAsync(line);
            await pane.PressAsync("Enter");
            try
            {
                await pane.WaitForScreenAsync(shown, what, TimeSpan.FromSeconds(attempt < 5 ? 5 : 30));
                return;
            }
            catch (TimeoutException) when (attempt < 5)
            {
                // Not yet: type it again.
            }
        }
    }

    internal static Regex Line(string text) => new($"(?m)^{Regex.Escape(text)}\\s*$");
}
