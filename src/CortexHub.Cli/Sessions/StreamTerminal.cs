namespace CortexHub.Cli.Sessions;

/// <summary>
/// No terminal: input from a stream, output to a stream, notices as lines on a writer. Raw mode and resizes are
/// nothing to do. What in-process runs and pipes get.
/// </summary>
public sealed class StreamTerminal(Stream input, Stream output, TextWriter notices) : ILocalTerminal
{
    public bool IsTerminal => false;

    public Stream Input => input;

    public Stream Output => output;

    public TerminalSize? Size => null;

    public IDisposable EnterRawMode() => throw new InvalidOperationException("Not a terminal.");

    public IDisposable OnResize(Action handler) => Nothing.Instance;

    public void ShowNotice(string text)
    {
        notices.WriteLine(text);
        notices.Flush();
    }

    public void ClearNotice()
    {
    }

    private sealed class Nothing : IDisposable
    {
        public static readonly Nothing Instance = new();

        public void Dispose()
        {
        }
    }
}
