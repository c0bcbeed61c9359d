namespace CortexHub.Grains.Tasks;

/// <summary>What to run and where.</summary>
public sealed record TaskSpec(
    string NodeId,
    string Command,
    string CreatedBy,
    string? WorkingDirectory = null,
    IReadOnlyDictionary<string, string>? Environment = null,
    TimeSpan? Timeout = null);
