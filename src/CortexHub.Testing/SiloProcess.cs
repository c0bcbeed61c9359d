using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CortexHub.Testing;

/// <summary>
/// A real silo process (<c>dotnet cortexhub-silo.dll</c>) for tests that need real process death:
/// SIGTERM for a graceful drain, SIGKILL for a crash. Output is captured for assertions.
/// </summary>
public sealed partial class SiloProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private const int SigKill = 9;
    private readonly CapturedProcess _process;

    private SiloProcess(CapturedProcess process) => _process = process;

    public int ProcessId => _process.Process.Id;

    public string Output => _process.Output;

    public bool HasExited => _process.Process.HasExited;

    public int ExitCode => _process.Process.ExitCode;

    public static SiloProcess Start(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory };
        start.ArgumentList.Add(RepoPaths.SiloDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return Start(start);
    }

    /// <summary>A silo started some other way, e.g. by <c>dotnet run</c> as the README does (SIGTERM must reach the silo).</summary>
    public static SiloProcess Start(ProcessStartInfo start) => new(new CapturedProcess(start));

    /// <summary>Waits until a line containing <paramref name="text"/> was printed.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!_process.Lines.Any(line => line.Contains(text, StringComparison.Ordinal)))
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"The silo exited with {ExitCode} before printing '{text}':{Environment.NewLine}{Output}");
            }

            try
            {
                await Task.Delay(25, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The silo did not print '{text}' within {timeout}:{Environment.NewLine}{Output}");
            }
        }
    }

    public Task<int> WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync(timeout);

    /// <summary>SIGTERM: the graceful shutdown path an orchestrator uses.</summary>
    public void Terminate()
    {
        if (Kill(ProcessId, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({ProcessId}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>SIGKILL: the process dies at once, no cleanup of any kind.</summary>
    public void KillHard()
    {
        // kill(2) itself: Process.Kill(entireProcessTree) first walks /proc for children, which took
        // over a second on a loaded machine (the silo has no children).
        if (Kill(ProcessId, SigKill) != 0)
        {
            throw new InvalidOperationException($"kill({ProcessId}, SIGKILL) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>Stops the silo the way an orchestrator does: SIGTERM, then a kill once <paramref name="grace"/> has passed.</summary>
    public async ValueTask StopAsync(TimeSpan grace)
    {
        if (!HasExited)
        {
            Terminate();
            try
            {
                await WaitForExitAsync(grace);
            }
            catch (TimeoutException)
            {
                // Disposing kills it.
            }
        }

        await DisposeAsync();
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
