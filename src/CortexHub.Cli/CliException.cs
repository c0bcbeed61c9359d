namespace CortexHub.Cli;

/// <summary>An expected failure: its message is printed as <c>cortex: message</c> (never a stack trace) and the process exits with <see cref="ExitCode"/>.</summary>
public class CliException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>Extra lines printed after the message (field errors, hints).</summary>
    public virtual IReadOnlyList<string> Details => [];

    /// <summary>Whether the command's usage follows the message (a malformed command line, not a bad value that parsed).</summary>
    public bool ShowUsage { get; init; }

    /// <summary>A bad command line detected after parsing (a malformed value, two options that clash).</summary>
    public static CliException Usage(string message) => new(ExitCodes.UsageError, message) { ShowUsage = true };
}
