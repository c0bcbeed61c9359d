using System.Diagnostics;

namespace CortexHub.Cli.Tests;

/// <summary>The built <c>cortex</c> as a real process: its exit code and streams end to end.</summary>
[Collection(HubCollection.Name)]
public sealed class CortexProcessTests(HubFixture hub)
{
    [Fact]
    public async Task CortexProcess_Run_ExitsWithTheCommandsCode_OutputOnItsStreams()
    {
        var result = await RunProcessAsync(hub.LoggedIn(), "run", "--node", HubFixture.NodeId, "--", "sh", "-c", "echo hi; echo oops >&2; exit 3");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal("hi\n", result.Stdout);
        Assert.Matches($@"^cortex: task t-[0-9a-f]{{32}} on node {HubFixture.NodeId}\noops\n$", result.Stderr);
    }

    [Fact]
    public async Task CortexProcess_UsageError_Exit2()
    {
        var result = await RunProcessAsync(hub.LoggedIn(), "run", "--", "true");

        Assert.True(result.ExitCode == ExitCodes.UsageError, result.ToString());
        Assert.Contains("Option '--node' is required", result.Stderr);
    }

    private static async Task<CliResult> RunProcessAsync(IDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cortex.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // HOME stays the real one (the dotnet host may want it); the config folder is the test's own.
        foreach (var (name, value) in environment.Where(v => v.Key != "HOME"))
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
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
