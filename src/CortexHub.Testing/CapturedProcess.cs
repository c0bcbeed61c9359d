using System.Collections.Concurrent;
using System.Diagnostics;

namespace CortexHub.Testing;

/// <summary>A started child process whose stdout and stderr lines are captured; killed (whole tree) on dispose.</summary>
public sealed class CapturedProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _lines = new();

    public CapturedProcess(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        Process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        Process.OutputDataReceived += (_, e) => Collect(e.Data);
        Process.ErrorDataReceived += (_, e) => Collect(e.Data);
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public IEnumerable<string> Lines => _lines;

    public string Output => string.Join(Environment.NewLine, _lines);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await Process.WaitForExitAsync().WaitAsync(timeout);
        Process.WaitForExit(); // flushes the redirected output
        return Process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }
}
