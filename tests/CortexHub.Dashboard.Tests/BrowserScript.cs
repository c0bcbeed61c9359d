using System.Diagnostics;

namespace CortexHub.Dashboard.Tests;

/// <summary>
/// The scripts in tests/browser (dashboard.test.mjs, task-output.test.mjs): playwright-core driving Debian's Chromium, run with node.
/// What it needs is checked first; a missing piece fails the test with what to install, it never
/// skips it (CI=true or not).
/// </summary>
public sealed class BrowserScript
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);

    private readonly string _node;

    private BrowserScript(string node) => _node = node;

    /// <summary>Checks for Chromium and node, and installs playwright-core (npm ci) when node_modules lacks it.</summary>
    public static async Task<BrowserScript> PrepareAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            Assert.Fail($"Chromium is missing ({ChromiumPath}); the dashboard test needs a real browser: {NodeJs.InstallHint}.");
        }

        var node = NodeJs.Node;
        if (!File.Exists(Path.Combine(NodeJs.ScriptDirectory, "node_modules", "playwright-core", "package.json")))
        {
            var result = await NodeJs.RunAsync(NodeJs.Require("npm"), ["ci", "--no-audit", "--no-fund"], InstallTimeout);
            Assert.True(result.ExitCode == 0, $"npm ci in {NodeJs.ScriptDirectory} failed:\n{result}");
        }

        return new BrowserScript(node);
    }

    /// <summary>Starts a script in tests/browser with its arguments; it exits 0 when it passed, 1 naming the step that failed.</summary>
    public CapturedProcess Start(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo(_node) { WorkingDirectory = NodeJs.ScriptDirectory };
        foreach (var argument in arguments.Prepend(script).Concat(["--chromium", ChromiumPath]))
        {
            start.ArgumentList.Add(argument);
        }

        return new CapturedProcess(start);
    }

    /// <summary>Waits until the running script prints a line containing <paramref name="text"/>; fails if it ends first.</summary>
    public static async Task WaitForLineAsync(CapturedProcess script, string text, TimeSpan timeout)
    {
        await TestCluster.WaitUntilAsync(() => Task.FromResult(script.Process.HasExited || script.Lines.Any(l => l.Contains(text, StringComparison.Ordinal))),
            timeout, $"the browser script to print \"{text}\"");
        Assert.False(script.Process.HasExited && !script.Lines.Any(l => l.Contains(text, StringComparison.Ordinal)),
            $"The browser script ended before printing \"{text}\":\n{script.Output}");
    }

    /// <summary>Waits for the script's end and asserts it passed; its output goes to the test's log either way.</summary>
    public static async Task AssertPassesAsync(CapturedProcess script, TimeSpan timeout, Xunit.Abstractions.ITestOutputHelper output)
    {
        int exitCode;
        try
        {
            exitCode = await script.WaitForExitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"The browser script did not finish within {timeout}:\n{script.Output}");
            throw;
        }

        output.WriteLine(script.Output);
        Assert.True(exitCode == 0, $"The browser script failed (exit code {exitCode}):\n{script.Output}");
    }
}
