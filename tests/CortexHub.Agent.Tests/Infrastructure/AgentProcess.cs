using System.Diagnostics;
using System.Text;

namespace CortexHub.Agent.Tests.Infrastructure;

/// <summary>The built <c>cortex-agent</c> run as a real process (<c>dotnet cortex-agent.dll …</c>).</summary>
public sealed class AgentProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private AgentProcess(Process process)
    {
        _process = process;
    }

    private static readonly string StateHome = Path.Combine(Path.GetTempPath(), $"cortexhub-agent-tests-state-{Environment.ProcessId}");

    public int Id => _process.Id;

    public string Stderr
    {
        get { lock (_stderr) { return _stderr.ToString(); } }
    }

    public static AgentProcess Start(IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(DotNet())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(AgentExecutable.DllPath);
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        startInfo.Environment.Remove(AgentOptions.TokenEnvironmentVariable);

        // The agent's default state directory (its lock and run ledger) lives under XDG_STATE_HOME: one per test
        // run, so a concurrent run on this machine with the same node id neither blocks nor stops this one's tasks.
        startInfo.Environment["XDG_STATE_HOME"] = StateHome;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo };
        var agent = new AgentProcess(process);
        process.OutputDataReceived += (_, e) => agent.Append(agent._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => agent.Append(agent._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return agent;
    }

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunToEndAsync(params string[] args)
    {
        using var agent = Start(args);
        var exitCode = await agent.WaitForExitAsync();
        return (exitCode, agent._stdout.ToString(), agent.Stderr);
    }

    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM, as a service manager would.</summary>
    public void Terminate() => Processes.LibC.Kill(_process.Id, 15);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static string DotNet() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (builder)
        {
            builder.AppendLine(line);
        }
    }
}
