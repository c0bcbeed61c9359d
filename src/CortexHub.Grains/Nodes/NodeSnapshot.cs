namespace CortexHub.Grains.Nodes;

/// <summary>What callers see of a node (never the token hash).</summary>
public sealed record NodeSnapshot(
    string NodeId,
    bool Provisioned,
    string Name,
    string Owner,
    IReadOnlyDictionary<string, string> Labels,
    string AgentVersion,
    string Hostname,
    NodeStatus Status,
    string? SiloId,
    string? ConnectionId,
    DateTimeOffset? ConnectedAt,
    DateTimeOffset? LastSeenAt,
    string Address = "");
