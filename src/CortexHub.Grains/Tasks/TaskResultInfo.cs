namespace CortexHub.Grains.Tasks;

/// <summary>How a task ended.</summary>
public sealed record TaskResultInfo(int? ExitCode, string? Error, string? PayloadJson);
