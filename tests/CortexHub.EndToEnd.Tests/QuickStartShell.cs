using System.Diagnostics;

namespace CortexHub.EndToEnd.Tests;

/// <summary>
/// The quick start's terminal: bash in the checkout, each line run as a user types it (aliases
/// expanded as in an interactive shell, a failing pipe stage fails the line). The machine around
/// it is the test's: the hub on free ports with its database in <paramref name="scratch"/>, the
/// CLI's config and the agent's install folder there too, and <c>dotnet run</c> using the
/// configuration the tests were built in (so it finds that build up to date).
/// </summary>
internal sealed class QuickStartShell(string scratch, int httpPort, int grpcPort)
{
    private string _alias = "";

    private string AgentPrefix => Path.Combine(scratch, "agent");

    /// <summary>Starts a long-running line (the hub); bash replaces itself with the command, so signals reach it.</summary>
    public SiloProcess Start(string line) => SiloProcess.Start(Bash(line));

    /// <summary>Keeps an alias line for the lines run after it, as the terminal does.</summary>
    public void Define(string aliasLine) => _alias = aliasLine;

    /// <summary>Runs a line to its end; it must exit 0. Returns its output (stdout and stderr).</summary>
    public async Task<string> RunAsync(string line)
    {
        await using var process = new CapturedProcess(Bash($"shopt -s expand_aliases\nset -o pipefail\n{_alias}\n{line}"));
        var exit = await process.WaitForExitAsync(TimeSpan.FromMinutes(5));
        Assert.True(exit == 0, $"`{line}` exited {exit}:{Environment.NewLine}{process.Output}");
        return process.Output;
    }

    /// <summary>Stops the agent the install script started, by the PID it recorded.</summary>
    public async Task StopAgentAsync()
    {
        var pidFile = Path.Combine(AgentPrefix, "agent.pid");
        if (File.Exists(pidFile) && int.TryParse(await File.ReadAllTextAsync(pidFile), out var pid))
        {
            try
            {
                using var agent = Process.GetProcessById(pid);
                agent.Kill();
                await agent.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
    }

    private ProcessStartInfo Bash(string script)
    {
        var start = new ProcessStartInfo("bash", ["-c", script]) { WorkingDirectory = RepoPaths.Root };
        start.Environment["Configuration"] = RepoPaths.Configuration;
        start.Environment["XDG_CONFIG_HOME"] = Path.Combine(scratch, "config");
        start.Environment["CORTEX_AGENT_PREFIX"] = AgentPrefix;
        start.Environment["CortexHub__Storage__Sqlite__DataDirectory"] = Path.Combine(scratch, "data");
        start.Environment["CortexHub__Endpoints__BindAddress"] = "127.0.0.1";
        start.Environment["CortexHub__Endpoints__HttpPort"] = httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["CortexHub__Endpoints__GrpcPort"] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment.Remove("CORTEX_HUB");
        start.Environment.Remove("CORTEX_API_KEY");
        return start;
    }
}
