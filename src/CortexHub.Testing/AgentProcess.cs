using System.Diagnostics;

namespace CortexHub.Testing;

/// <summary>The reference node agent (<c>cortex-agent</c>) as a real process, with its output captured.</summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private static readonly string StateHome = Path.Combine(Path.GetTempPath(), $"cortexhub-agent-state-{Environment.ProcessId}");

    private readonly CapturedProcess _process;

    private AgentProcess(CapturedProcess process) => _process = process;

    public string Output => _process.Output;

    public bool HasExited => _process.Process.HasExited;

    public int ProcessId => _process.Process.Id;

    public static AgentProcess Start(Uri hub, string nodeId, string token, params string[] extraArgs)
    {
        var start = new ProcessStartInfo("dotnet");
        foreach (var arg in new[] { RepoPaths.BuiltAssembly("CortexHub.Agent", "cortex-agent.dll"), "--hub", hub.ToString().TrimEnd('/'), "--node-id", nodeId, "--token", token }.Concat(extraArgs))
        {
            start.ArgumentList.Add(arg);
        }

        // The agent's default state directory (its lock and run ledger) lives under XDG_STATE_HOME: one per test
        // run, so a concurrent run on this machine with the same node id neither blocks nor stops this one's tasks.
        start.Environment["XDG_STATE_HOME"] = StateHome;
        return new AgentProcess(new CapturedProcess(start));
    }

    public Task<int> WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync(timeout);

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
