namespace CortexHub.Cli.Api.Models;

/// <summary>POST /api/v1/tasks body.</summary>
public sealed record DispatchRequest(string? Id, string NodeId, string Command, double? TimeoutSeconds);
