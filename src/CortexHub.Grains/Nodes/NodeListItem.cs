namespace CortexHub.Grains.Nodes;

/// <summary>A node in a list view, with its live status (stream open, heartbeat within the TTL, silo alive).</summary>
public sealed record NodeListItem(
    string NodeId,
    string Name,
    string Owner,
    IReadOnlyDictionary<string, string> Labels,
    string AgentVersion,
    NodeStatus Status,
    string? SiloId,
    DateTimeOffset? LastSeenAt);
