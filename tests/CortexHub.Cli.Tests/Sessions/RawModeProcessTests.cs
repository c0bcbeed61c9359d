using System.Text.RegularExpressions;

namespace CortexHub.Cli.Tests.Sessions;

/// <summary>
/// The built <c>cortex</c> in a real terminal (tmux) against a scripted attach peer: raw mode (keys go out one by one,
/// no local echo, Ctrl-C is a byte), SIGWINCH becomes a resize frame, and the terminal's settings come back on the
/// way out, normal or SIGTERM. With the real hub and node: SessionEndToEndTests.
/// </summary>
public sealed partial class RawModeProcessTests
{
    [Fact]
    public async Task Exec_InATerminal_RawWhileAttached_CtrlCIsSent_ResizeForwarded_SettingsRestoredAfter()
    {
        await using var hub = await FakeSessionHub.StartAsync(async (_, _, connection) =>
        {
            await connection.AttachedAsync(0);
            await connection.OutputAsync("ready\r\n");
            await WaitForInputAsync(connection, "abc");
            await connection.OutputAsync("[abc]\r\n");
            await WaitForInputAsync(connection, "\u0003");
            await connection.OutputAsync("[ctrl-c]\r\n");
            await WaitUntilAsync(() => connection.Received.Contains("{\"type\":\"resize\",\"columns\":100,\"rows\":30}"), "the resize frame");
            await connection.OutputAsync("[resized]\r\n");
            await WaitForInputAsync(connection, "\u0004");
            await connection.ExitAsync("failed", 7);
        });
        await using var pane = await TmuxPane.StartAsync($"{TmuxPane.Cortex("exec", "-it", "n1", "--", "python3")}; echo \"[exit $?]\"; stty -a", Environment(hub), 80, 24);

        await pane.WaitForScreenAsync(s => s.Contains("ready"), "the session's first output");
        await pane.TypeAsync("abc");
        await pane.WaitForScreenAsync(s => s.Contains("[abc]"), "the typed bytes answered (no Enter needed: raw)");
        await pane.PressAsync("C-c");
        await pane.WaitForScreenAsync(s => s.Contains("[ctrl-c]"), "Ctrl-C sent as a byte, cortex still running");
        await pane.ResizeAsync(100, 30);
        await pane.WaitForScreenAsync(s => s.Contains("[resized]"), "the resize forwarded");
        await pane.PressAsync("C-d");
        var screen = await pane.WaitForScreenAsync(s => s.Contains("[exit 7]") && s.Contains("icanon"), "the exit code and stty -a");

        Assert.DoesNotMatch(@"(?m)^abc", screen); // raw mode: no local echo
        Assert.Matches(@"(^|\s)icanon\s", screen);
        Assert.Matches(@"(^|\s)echo\s", screen);
        Assert.Matches(@"(^|\s)isig\s", screen);
    }

    [Fact]
    public async Task Exec_SigtermWhileRaw_TerminalSettingsRestored()
    {
        await using var hub = await FakeSessionHub.StartAsync(async (_, _, connection) =>
        {
            await connection.AttachedAsync(0);
            await connection.OutputAsync("ready\r\n");
            await connection.Detached; // the client is killed
        });
        var pidFile = Path.Combine(TestDirectories.Create("pid"), "cortex.pid");
        await using var pane = await TmuxPane.StartAsync(
            $"sh -c 'echo $$ > {pidFile}; exec {TmuxPane.Cortex("exec", "-it", "n1").Replace("'", "'\\''", StringComparison.Ordinal)}'; echo \"[exit $?]\"; stty -a",
            Environment(hub));
        await pane.WaitForScreenAsync(s => s.Contains("ready"), "the session's first output");
        Assert.DoesNotMatch(@"(^|\s)icanon\s", await SttyOfPaneAsync(pane)); // raw now

        using var kill = System.Diagnostics.Process.Start("kill", ["-TERM", (await File.ReadAllTextAsync(pidFile)).Trim()]);
        var screen = await pane.WaitForScreenAsync(s => ExitLine().IsMatch(s) && s.Contains("icanon"), "the exit and stty -a");

        Assert.Matches(@"(^|\s)icanon\s", screen);
        Assert.Matches(@"(^|\s)echo\s", screen);
    }

    /// <summary>The pane's terminal settings, read from outside through its tty.</summary>
    private static async Task<string> SttyOfPaneAsync(TmuxPane pane)
    {
        var tty = (await pane.DisplayAsync("#{pane_tty}")).Trim();
        using var stty = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stty", ["-a", "-F", tty]) { RedirectStandardOutput = true })!;
        var output = await stty.StandardOutput.ReadToEndAsync();
        await stty.WaitForExitAsync();
        return output;
    }

    private static Dictionary<string, string?> Environment(FakeSessionHub hub) =>
        HubFixture.Environment(("CORTEX_HUB", hub.Address.ToString()), ("CORTEX_API_KEY", "chk.u.k.s")).Where(v => v.Key != "HOME").ToDictionary();

    private static Task WaitForInputAsync(FakeSessionHub.Connection connection, string text) =>
        WaitUntilAsync(() => string.Concat(connection.Received.Where(f => f.StartsWith("bin:", StringComparison.Ordinal)).Select(f => f[4..])).Contains(text, StringComparison.Ordinal), $"input {text}");

    private static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > (timeout ?? HubFixture.Wait))
            {
                throw new TimeoutException($"waited for {what}");
            }

            await Task.Delay(20);
        }
    }

    [GeneratedRegex(@"\[exit \d+\]")]
    private static partial Regex ExitLine();
}
