using System.Diagnostics;

namespace CortexHub.Dashboard.Tests;

/// <summary>
/// tests/browser/dashboard.test.mjs: playwright-core driving Debian's Chromium, run with node.
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

    /// <summary>Starts the script; it exits 0 once the screenshot is saved, 1 naming the step that failed.</summary>
    public CapturedProcess Start(Uri hub, string apiKey, string nodeId, string taskId, string screenshot, string redText)
    {
        var start = new ProcessStartInfo(_node) { WorkingDirectory = NodeJs.ScriptDirectory };
        foreach (var argument in new[]
        {
            "dashboard.test.mjs", "--url", hub.ToString().TrimEnd('/'), "--key", apiKey, "--node", nodeId, "--task", taskId,
            "--screenshot", screenshot, "--text", redText, "--chromium", ChromiumPath,
        })
        {
            start.ArgumentList.Add(argument);
        }

        return new CapturedProcess(start);
    }
}
