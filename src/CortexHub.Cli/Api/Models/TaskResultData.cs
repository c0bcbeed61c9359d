namespace CortexHub.Cli.Api.Models;

/// <summary>A finished task's exit code and error.</summary>
public sealed record TaskResultData(int? ExitCode, string? Error);
