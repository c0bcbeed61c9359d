using System.Diagnostics;

namespace CortexHub.Cli.Tests;

/// <summary>
/// <c>cortex</c> installs like other .NET command lines: <c>dotnet pack</c> makes a tool package that
/// <c>dotnet tool install</c> takes from a local folder, and a self-contained single-file build runs without a
/// .NET install. Slow (one pack, one publish, both from src/CortexHub.Cli into temp folders).
/// </summary>
public sealed class ToolPackagingTests
{
    private static readonly TimeSpan BuildWait = TimeSpan.FromMinutes(10);

    private static string Project => Path.Combine(RepoPaths.Root, "src", "CortexHub.Cli");

    [Fact]
    public async Task Pack_ToolInstallFromTheFolder_CortexVersionRuns()
    {
        var work = TestDirectories.Create("tool");
        var packages = Path.Combine(work, "packages");
        var tools = Path.Combine(work, "tools");

        // Its own artifacts folder: the pack does not touch the obj/bin of the build the tests run from.
        await RunAsync("dotnet", "pack", Project, "-c", "Release", "-o", packages, "--artifacts-path", Path.Combine(work, "artifacts"), "-nologo");
        await RunAsync("dotnet", "tool", "install", "CortexHub.Cli", "--tool-path", tools, "--add-source", packages);
        var version = await RunAsync(Path.Combine(tools, "cortex"), "--version");

        Assert.Matches(@"^\d+\.\d+\.\d+", version);
    }

    [Fact]
    public async Task PublishSingleFileSelfContained_TheOneFileRuns()
    {
        var work = TestDirectories.Create("single");
        var output = Path.Combine(work, "out");

        await RunAsync("dotnet", "publish", Project, "-c", "Release", "-r", "linux-x64", "--self-contained", "-p:PublishSingleFile=true",
            "-o", output, "--artifacts-path", Path.Combine(work, "artifacts"), "-nologo");
        var version = await RunAsync(Path.Combine(output, "cortex"), "--version");

        Assert.Single(Directory.GetFiles(output), f => !f.EndsWith(".pdb", StringComparison.Ordinal) && !f.EndsWith(".xml", StringComparison.Ordinal));
        Assert.Matches(@"^\d+\.\d+\.\d+", version);
    }

    /// <summary>Runs a process to its end; a non-zero exit fails the test with everything it printed.</summary>
    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // A single-file or tool-installed cortex must not lean on the test host's .NET settings.
        start.Environment.Remove("DOTNET_ROOT");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(BuildWait);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var result = new CliResult(process.ExitCode, await stdout, await stderr);
        Assert.True(result.ExitCode == 0, $"{file} {string.Join(' ', args)}\n{result}");
        return result.Stdout;
    }
}
