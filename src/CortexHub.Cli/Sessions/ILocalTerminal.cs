namespace CortexHub.Cli.Sessions;

/// <summary>
/// The terminal <c>cortex exec</c> and <c>attach</c> run in: raw bytes in and out, its size, raw mode and resizes.
/// <see cref="PosixTerminal"/> is the process's own; <see cref="StreamTerminal"/> is plain streams (tests, pipes).
/// </summary>
public interface ILocalTerminal
{
    /// <summary>Whether stdin is a terminal: only then is raw mode entered and the size known.</summary>
    bool IsTerminal { get; }

    /// <summary>What the user types (or pipes in).</summary>
    Stream Input { get; }

    /// <summary>Where the session's output goes, byte for byte.</summary>
    Stream Output { get; }

    /// <summary>The window's size now, or null when there is no terminal.</summary>
    TerminalSize? Size { get; }

    /// <summary>
    /// Puts the terminal in raw mode (no echo, no line editing, Ctrl-C and Ctrl-D are plain bytes); disposing the result
    /// restores the settings it had, once, whichever exit path gets there first.
    /// </summary>
    IDisposable EnterRawMode();

    /// <summary>Calls <paramref name="handler"/> when the window changes size (SIGWINCH) until the result is disposed.</summary>
    IDisposable OnResize(Action handler);

    /// <summary>Shows a one-line status (such as "reconnecting") without touching the screen the session drew.</summary>
    void ShowNotice(string text);

    /// <summary>Takes back what <see cref="ShowNotice"/> showed, where it can.</summary>
    void ClearNotice();
}
