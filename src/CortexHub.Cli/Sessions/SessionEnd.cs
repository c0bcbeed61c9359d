namespace CortexHub.Cli.Sessions;

/// <summary>The session's <c>exit</c> frame: its final task state, the program's exit code and how it ended.</summary>
public sealed record SessionEnd(string? State, int? ExitCode, string? Outcome);
