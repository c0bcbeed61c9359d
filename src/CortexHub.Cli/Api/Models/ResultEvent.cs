namespace CortexHub.Cli.Api.Models;

/// <summary>SSE <c>result</c>: how the command ended (exited, failed, cancelled, timedOut).</summary>
public sealed record ResultEvent(long Sequence, string? Outcome, int? ExitCode, string? Error);
