using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace CortexHub.Cli.Sessions;

/// <summary>
/// The process's own terminal on Linux and macOS, through file descriptors 0, 1 and 2 directly: the Console streams
/// would add line editing on input and set up .NET's own terminal handling, which fights raw mode.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PosixTerminal : ILocalTerminal
{
    private const int StdIn = 0;
    private const int StdOut = 1;
    private const int StdErr = 2;

    private readonly Lazy<Stream> _input = new(() => OpenDescriptor(StdIn, FileAccess.Read));
    private readonly Lazy<Stream> _output = new(() => OpenDescriptor(StdOut, FileAccess.Write));
    private readonly Lazy<Stream> _error = new(() => OpenDescriptor(StdErr, FileAccess.Write));
    private RawModeScope? _rawMode;
    private bool _titlePushed;

    public bool IsTerminal => Termios.IsTerminal(StdIn);

    public Stream Input => _input.Value;

    public Stream Output => _output.Value;

    public TerminalSize? Size => Termios.GetWindowSize(StdOut) ?? Termios.GetWindowSize(StdIn);

    public IDisposable EnterRawMode()
    {
        var saved = Termios.GetAttributes(StdIn) ?? throw new CliException(ExitCodes.Crashed, "stdin is not a terminal; raw mode needs one");
        if (!Termios.SetAttributes(StdIn, Termios.MakeRaw(saved)))
        {
            throw new CliException(ExitCodes.Crashed, $"could not put the terminal in raw mode (errno {Marshal.GetLastPInvokeError()})");
        }

        return _rawMode = new RawModeScope(saved);
    }

    public IDisposable OnResize(Action handler) => PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => handler());

    public void ShowNotice(string text)
    {
        if (_rawMode is { IsActive: true } && Termios.IsTerminal(StdErr))
        {
            // A line on a raw screen would overwrite what the session drew there; the window title leaves it intact.
            // The title is pushed on xterm's title stack first and popped by ClearNotice.
            _titlePushed = true;
            WriteError($"\u001b[22;0t\u001b]0;{text}\u0007");
            return;
        }

        WriteError(text + (_rawMode is { IsActive: true } ? "\r\n" : "\n"));
    }

    public void ClearNotice()
    {
        if (_titlePushed)
        {
            _titlePushed = false;
            WriteError("\u001b[23;0t");
        }
    }

    private void WriteError(string text)
    {
        try
        {
            _error.Value.Write(Encoding.UTF8.GetBytes(text));
        }
        catch (IOException)
        {
            // Best effort: stderr is gone (a hung-up terminal).
        }
    }

    private static FileStream OpenDescriptor(int fd, FileAccess access) =>
        new(new SafeFileHandle(fd, ownsHandle: false), access, bufferSize: 0);

    /// <summary>
    /// The settings to restore, restored once by whichever comes first: Dispose (normal end or an exception unwinding),
    /// SIGTERM or SIGHUP (then the signal's default action ends the process), or the process exiting.
    /// </summary>
    private sealed class RawModeScope : IDisposable
    {
        private readonly byte[] _saved;
        private readonly PosixSignalRegistration[] _signals;
        private int _restored;

        public RawModeScope(byte[] saved)
        {
            _saved = saved;
            _signals =
            [
                PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Restore()),
                PosixSignalRegistration.Create(PosixSignal.SIGHUP, _ => Restore()),
            ];
            AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        }

        public bool IsActive => Volatile.Read(ref _restored) == 0;

        public void Dispose()
        {
            Restore();
            AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
            foreach (var signal in _signals)
            {
                signal.Dispose();
            }
        }

        private void OnProcessExit(object? sender, EventArgs e) => Restore();

        private void Restore()
        {
            if (Interlocked.Exchange(ref _restored, 1) == 0)
            {
                Termios.SetAttributes(StdIn, _saved);
            }
        }
    }
}
