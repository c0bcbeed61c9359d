using System.Diagnostics;
using Xunit.Abstractions;

namespace CortexHub.Gateway.Tests.Conformance;

/// <summary>
/// conformance_node.py running one scenario against a silo: its printed lines as they come, and
/// control lines (<c>stop</c>, <c>silent</c>) written to its stdin.
/// </summary>
public sealed class ConformanceNode : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ITestOutputHelper _output;
    private readonly List<ConformanceNodeLine> _lines = [];
    private readonly Task _reading;
    private readonly Task<string> _stderr;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ConformanceNode(Process process, ITestOutputHelper output)
    {
        _process = process;
        _output = output;
        _stderr = process.StandardError.ReadToEndAsync();
        _reading = ReadAsync();
    }

    /// <param name="output">Receives everything the node printed when it is disposed (the test's log).</param>
    public static ConformanceNode Start(PythonGrpcStubs stubs, Uri grpcAddress, string nodeId, string token, string scenario, ITestOutputHelper output)
    {
        stubs.EnsureAvailable();
        var process = PythonProcess.Start(
            [Path.Combine(AppContext.BaseDirectory, "Conformance", "conformance_node.py"), $"{grpcAddress.Host}:{grpcAddress.Port}", nodeId, token, scenario],
            redirectInput: true,
            new Dictionary<string, string> { ["PYTHONPATH"] = stubs.Directory });
        return new ConformanceNode(process, output);
    }

    public IReadOnlyList<ConformanceNodeLine> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>The first printed line that matches (already printed or still to come).</summary>
    public async Task<ConformanceNodeLine> WaitForAsync(Func<ConformanceNodeLine, bool> match, string what, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? Deadline);
        while (true)
        {
            Task changed;
            lock (_lines)
            {
                if (_lines.FirstOrDefault(match) is { } line)
                {
                    return line;
                }

                changed = _changed.Task;
            }

            if (_reading.IsCompleted)
            {
                throw new InvalidOperationException($"The conformance node exited before it printed {what}.\n{await OutputAsync()}");
            }

            try
            {
                await Task.WhenAny(changed, _reading).WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The conformance node did not print {what} within {timeout ?? Deadline}.\n{await OutputAsync()}");
            }
        }
    }

    public Task<ConformanceNodeLine> WaitForAsync(string kind, string? task = null) =>
        WaitForAsync(l => l.Is(kind, task), task is null ? $"'{kind}'" : $"'{kind}' for {task}");

    public async Task SendAsync(string control)
    {
        await _process.StandardInput.WriteLineAsync(control);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits for the node to exit by itself; returns its exit code.</summary>
    public async Task<int> ExitAsync()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The conformance node did not exit within {Deadline}.\n{await OutputAsync()}");
        }

        await _reading;
        return _process.ExitCode;
    }

    /// <summary>Everything printed so far, for failure messages.</summary>
    public async Task<string> OutputAsync()
    {
        var stderr = _process.HasExited ? await _stderr : "(still running)";
        return $"stdout:\n{string.Join('\n', Lines.Select(l => l.Raw))}\nstderr:\n{stderr}";
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } raw)
        {
            lock (_lines)
            {
                _lines.Add(ConformanceNodeLine.Parse(raw));
                _changed.TrySetResult();
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _output.WriteLine(await OutputAsync());
        _process.Dispose();
    }
}
