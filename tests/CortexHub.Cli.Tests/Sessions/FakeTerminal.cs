using System.IO.Pipes;
using CortexHub.Cli.Sessions;

namespace CortexHub.Cli.Tests.Sessions;

/// <summary>
/// A terminal for in-process runs: what is typed is written to <see cref="Keyboard"/>, the screen is collected in
/// <see cref="Screen"/>; raw mode and its restore are counted.
/// </summary>
public sealed class FakeTerminal : ILocalTerminal, IDisposable
{
    private readonly AnonymousPipeServerStream _keyboard = new(PipeDirection.Out);
    private readonly AnonymousPipeClientStream _input;
    private readonly MemoryStream _screen = new();
    private Action? _resize;

    public FakeTerminal() => _input = new AnonymousPipeClientStream(PipeDirection.In, _keyboard.ClientSafePipeHandle);

    public int RawModeEntered { get; private set; }

    public int RawModeRestored { get; private set; }

    public bool InRawMode => RawModeEntered > RawModeRestored;

    public List<string> Notices { get; } = [];

    public bool IsTerminal => true;

    public Stream Input => _input;

    public Stream Output => _screen;

    public TerminalSize? Size { get; set; } = new TerminalSize(100, 30);

    public Stream Keyboard => _keyboard;

    public string Screen
    {
        get
        {
            lock (_screen)
            {
                return System.Text.Encoding.UTF8.GetString(_screen.ToArray());
            }
        }
    }

    public IDisposable EnterRawMode()
    {
        RawModeEntered++;
        return new Restore(this);
    }

    public IDisposable OnResize(Action handler)
    {
        _resize = handler;
        return new Restore(null);
    }

    /// <summary>What SIGWINCH does: a new size, then the handler.</summary>
    public void Resize(int columns, int rows)
    {
        Size = new TerminalSize(columns, rows);
        _resize?.Invoke();
    }

    public void ShowNotice(string text) => Notices.Add(text);

    public void ClearNotice() => Notices.Add("(cleared)");

    public void Dispose()
    {
        _keyboard.Dispose();
        _input.Dispose();
    }

    private sealed class Restore(FakeTerminal? terminal) : IDisposable
    {
        public void Dispose()
        {
            if (terminal is not null)
            {
                terminal.RawModeRestored++;
            }
        }
    }
}
