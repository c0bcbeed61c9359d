namespace CortexHub.Cli.Api.Models;

/// <summary>What a task runs and where.</summary>
public sealed record TaskSpecInfo(string NodeId, string Command, string? CreatedBy);
