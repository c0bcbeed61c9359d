namespace CortexHub.Grains.Nodes;

/// <summary>A node's persisted registration and connection.</summary>
public sealed record NodeState
{
    public bool Provisioned { get; init; }

    public string Name { get; init; } = "";

    public string Owner { get; init; } = "";

    /// <summary>SHA-256 of the node token (hex). The token itself is shown once and never stored.</summary>
    public string TokenHash { get; init; } = "";

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public string AgentVersion { get; init; } = "";

    public string Hostname { get; init; } = "";

    /// <summary>The node's network address as the gateway saw it (e.g. <c>ipv4:10.0.0.7:51234</c>).</summary>
    public string Address { get; init; } = "";

    public NodeStatus Status { get; init; }

    /// <summary>Silo holding the node's stream while online.</summary>
    public string? SiloId { get; init; }

    /// <summary>The current stream; a newer connection replaces an older one.</summary>
    public string? ConnectionId { get; init; }

    public DateTimeOffset? ProvisionedAt { get; init; }

    public DateTimeOffset? ConnectedAt { get; init; }

    public DateTimeOffset? LastSeenAt { get; init; }

    /// <summary>Sequence number of the last terminal chunk appended (the ring keeps the newest ones).</summary>
    public long TerminalSequence { get; init; }
}
