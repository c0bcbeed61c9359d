using System.Diagnostics;
using System.Text;
using CortexHub.Grains.Terminal;

namespace CortexHub.Grains.Tests.Terminal;

/// <summary>
/// A real program on a real pseudo-terminal of a fixed size (Python's pty module as the terminal
/// side), recording every byte it writes. Input is typed once the program has drawn what the test
/// waits for, so nothing depends on timing.
/// </summary>
internal sealed class PtyProgram : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    // The window size is set on the terminal before the program starts, so it never sees another.
    private const string Driver = """
        import os, pty, select, struct, sys, fcntl, termios
        columns, rows = int(sys.argv[1]), int(sys.argv[2])
        pid, master = pty.fork()
        if pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', rows, columns, 0, 0))
            os.execvp(sys.argv[3], sys.argv[3:])
        out = sys.stdout.buffer
        inputs = [master, 0]
        while True:
            ready, _, _ = select.select(inputs, [], [])
            if master in ready:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    data = b''
                if not data:
                    break
                out.write(data)
                out.flush()
            if 0 in ready:
                data = os.read(0, 65536)
                if data:
                    os.write(master, data)
                else:
                    inputs.remove(0)
        _, status = os.waitpid(pid, 0)
        sys.exit(os.waitstatus_to_exitcode(status))
        """;

    private readonly Process _process;
    private readonly MemoryStream _output = new();
    private readonly Task _reader;
    private TaskCompletionSource _changed = NewSignal();

    private PtyProgram(Process process)
    {
        _process = process;
        _reader = Task.Run(ReadAsync);
    }

    public static PtyProgram Start(int columns, int rows, string workingDirectory, params string[] command)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in (string[])["-c", Driver, columns.ToString(), rows.ToString(), .. command])
            start.ArgumentList.Add(argument);
        start.Environment["TERM"] = "xterm-256color";
        start.Environment["LANG"] = "C.UTF-8";
        start.Environment["LC_ALL"] = "C.UTF-8";
        start.Environment["LESSHISTFILE"] = "-";
        start.Environment.Remove("LESS");
        start.Environment.Remove("COLUMNS");
        start.Environment.Remove("LINES");
        start.Environment.Remove("PYTHONSTARTUP");
        return new PtyProgram(Process.Start(start) ?? throw new InvalidOperationException("python3 did not start"));
    }

    public byte[] Output
    {
        get
        {
            lock (_output)
                return _output.ToArray();
        }
    }

    /// <summary>Waits until the output, fed to a screen of this size, satisfies <paramref name="condition"/>.</summary>
    public async Task<TerminalScreen> WaitForScreenAsync(int columns, int rows, Func<TerminalScreen, bool> condition)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (true)
        {
            var changed = _changed.Task;
            var screen = new TerminalScreen(columns, rows);
            screen.Feed(Output);
            if (condition(screen))
                return screen;
            if (_reader.IsCompleted)
                throw new InvalidOperationException($"the program ended before its screen showed what was expected:\n{screen.Text}");
            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the screen did not show what was expected within {Deadline}:\n{screen.Text}");
            }
        }
    }

    public async Task TypeAsync(string text)
    {
        await _process.StandardInput.BaseStream.WriteAsync(Encoding.UTF8.GetBytes(text));
        await _process.StandardInput.BaseStream.FlushAsync();
    }

    public async Task<int> WaitForExitAsync()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        await _process.WaitForExitAsync(deadline.Token);
        await _reader.WaitAsync(deadline.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[65536];
        var stdout = _process.StandardOutput.BaseStream;
        int read;
        while ((read = await stdout.ReadAsync(buffer)) > 0)
        {
            lock (_output)
                _output.Write(buffer, 0, read);
            Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();
        }
        _changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
