namespace CortexHub.Cli;

/// <summary>The world a <c>cortex</c> invocation sees: its output streams, environment, terminal, clock and interrupt signal.</summary>
public sealed class CliContext
{
    /// <summary>Where results go (tables, JSON, a task's stdout).</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Where errors, hints and progress go (and a task's stderr).</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Environment variables (CORTEX_HUB, CORTEX_API_KEY, XDG_CONFIG_HOME, HOME).</summary>
    public required IDictionary<string, string?> Environment { get; init; }

    /// <summary>True when <see cref="Error"/> is a terminal: only then are progress lines ("waiting for node …") shown.</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>Columns of the terminal <see cref="Error"/> is (the progress bar fits in them).</summary>
    public int TerminalWidth { get; init; } = DefaultTerminalWidth;

    /// <summary>Columns assumed when the terminal does not say.</summary>
    public const int DefaultTerminalWidth = 80;

    /// <summary>The clock for ages ("5s ago") and reconnect delays.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Ctrl+C: <c>run</c> cancels its task and keeps following it to the end; other commands stop.
    /// A second Ctrl+C is left to the process (it dies).
    /// </summary>
    public CancellationToken Interrupt { get; init; }

    /// <summary>What the user pipes in or types (<c>run --stdin</c>; <c>exec</c> without a terminal). Empty by default.</summary>
    public Stream Input { get; init; } = Stream.Null;

    /// <summary>
    /// The terminal of <c>exec -t</c> and <c>attach</c> (the process's own in <see cref="CortexApp.MainAsync"/>); when null,
    /// a <see cref="Sessions.StreamTerminal"/> over <see cref="Input"/> and <see cref="Out"/>.
    /// </summary>
    public Sessions.ILocalTerminal? Terminal { get; init; }

    /// <summary>Test hook: the handler under every <see cref="Api.HubClient"/> (default: a plain <see cref="SocketsHttpHandler"/>).</summary>
    public Func<HttpMessageHandler>? HttpHandlerFactory { get; init; }

    /// <summary>An environment variable, or null when unset or empty.</summary>
    public string? Variable(string name) =>
        Environment.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;
}
