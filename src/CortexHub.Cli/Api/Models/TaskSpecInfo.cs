namespace CortexHub.Cli.Api.Models;

/// <summary>What a task runs and where, and the time it may take (none when null).</summary>
public sealed record TaskSpecInfo(string NodeId, string Command, string? CreatedBy, TimeSpan? Timeout = null);
