namespace CortexHub.Cli.Api.Models;

/// <summary>A node as listed (GET /api/v1/nodes) or provisioned; status is offline, online or draining.</summary>
public sealed record NodeInfo(
    string NodeId,
    string? Name,
    string? Owner,
    IReadOnlyDictionary<string, string>? Labels,
    string? AgentVersion,
    string? Status,
    DateTimeOffset? LastSeenAt);
