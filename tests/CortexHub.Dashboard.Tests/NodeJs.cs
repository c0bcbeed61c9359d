using System.Diagnostics;

namespace CortexHub.Dashboard.Tests;

/// <summary>The machine's Node.js (node and npm on PATH) for the scripts in tests/browser; missing, it fails the test, never skips it.</summary>
public static class NodeJs
{
    public static string ScriptDirectory => Path.Combine(RepoPaths.Root, "tests", "browser");

    /// <summary>What to do about a missing tool; under CI it is test.sh's job.</summary>
    public static string InstallHint => Environment.GetEnvironmentVariable("CI") == "true"
        ? "test.sh must install it before the tests run (apt-get install -y chromium; Node.js >= 20 with npm is the machine's own)"
        : "install it (apt-get install -y chromium; Node.js >= 20 with npm)";

    /// <summary>The full path of node, failing the test when there is none.</summary>
    public static string Node => Require("node");

    public static string Require(string tool)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);
        if (path is null)
        {
            Assert.Fail($"{tool} is not on PATH; the dashboard tests need it: {InstallHint}.");
        }

        return path;
    }

    /// <summary>Runs a tool in tests/browser to its end; kills it (and only it) if it outlives <paramref name="timeout"/>.</summary>
    public static async Task<ProcessResult> RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = ScriptDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}.\n{await stdout}\n{await stderr}");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }
}
