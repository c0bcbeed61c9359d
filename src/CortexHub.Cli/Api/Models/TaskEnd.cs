namespace CortexHub.Cli.Api.Models;

/// <summary>SSE <c>end</c>: the task is finished and every event was sent; state is succeeded, failed, cancelled, timedOut or lost.</summary>
public sealed record TaskEnd(string? TaskId, string? State, int? ExitCode);
