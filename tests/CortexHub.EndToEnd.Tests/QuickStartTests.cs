using System.Diagnostics;
using System.Text.RegularExpressions;

namespace CortexHub.EndToEnd.Tests;

/// <summary>
/// The README's quick start, step by step, with real processes: a fresh hub prints its admin key
/// once; `cortex login`; `cortex node provision --script`; bash runs the script (agent installed
/// and started); `cortex run` runs a first task on that local node and exits with its code.
/// </summary>
public sealed partial class QuickStartTests
{
    [Fact]
    public async Task ReadmeQuickStart_FreshHub_FirstTaskRunsOnALocalNode()
    {
        var data = Directory.CreateTempSubdirectory("cortexhub-quickstart-").FullName;
        var home = Directory.CreateTempSubdirectory("cortex-home-").FullName;
        var (http, grpc) = (FreePorts.Next(), FreePorts.Next());
        await using var hub = SiloProcess.Start(data, new Dictionary<string, string?> { ["CortexHub__Storage__Sqlite__DataDirectory"] = data },
            "--CortexHub:Endpoints:BindAddress=127.0.0.1", $"--CortexHub:Endpoints:HttpPort={http}", $"--CortexHub:Endpoints:GrpcPort={grpc}");
        await hub.WaitForOutputAsync("Application started", TimeSpan.FromMinutes(3));
        var adminKey = AdminKeyLine().Match(hub.Output).Groups[1].Value;
        Assert.StartsWith("chk.admin.", adminKey);

        try
        {
            await CortexAsync(home, 0, "login", "--hub", $"http://127.0.0.1:{http}", "--api-key", adminKey);
            await CortexAsync(home, 0, "node", "provision", "my-laptop", "--script", Path.Combine(home, "node.sh"));
            var install = await RunAsync("bash", home, Path.Combine(home, "node.sh"));
            Assert.True(install.ExitCode == 0, install.Output);

            var hello = await CortexAsync(home, 0, "run", "--node", "my-laptop", "--", "echo", "hello from my laptop");
            Assert.Contains("hello from my laptop", hello);
            await CortexAsync(home, 7, "run", "--node", "my-laptop", "--", "sh", "-c", "exit 7");
            Assert.Contains("my-laptop", await CortexAsync(home, 0, "nodes"));
        }
        finally
        {
            using var kill = Process.Start("pkill", ["-f", Path.Combine(home, "agent", "cortex-agent.dll")]);
            await kill.WaitForExitAsync();
            hub.Terminate();
            await hub.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private static async Task<string> CortexAsync(string home, int expectedExit, params string[] args)
    {
        var result = await RunAsync("dotnet", home, [RepoPaths.BuiltAssembly("CortexHub.Cli", "cortex.dll"), .. args]);
        Assert.True(result.ExitCode == expectedExit, $"cortex {string.Join(' ', args)} exited {result.ExitCode}, expected {expectedExit}:\n{result.Output}");
        return result.Output;
    }

    /// <summary>Runs a process with the quick start's environment (its own config folder and agent prefix).</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string home, params string[] args)
    {
        var start = new ProcessStartInfo(file, args) { WorkingDirectory = home };
        start.Environment["XDG_CONFIG_HOME"] = Path.Combine(home, "config");
        start.Environment["CORTEX_AGENT_PREFIX"] = Path.Combine(home, "agent");
        start.Environment.Remove("CORTEX_HUB");
        start.Environment.Remove("CORTEX_API_KEY");
        await using var process = new CapturedProcess(start);
        var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(120));
        return (exit, process.Output);
    }

    [GeneratedRegex(@"^\s*(chk\.admin\.[A-Za-z0-9._-]+)\s*$", RegexOptions.Multiline)]
    private static partial Regex AdminKeyLine();
}
