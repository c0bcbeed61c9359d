using Orleans;

namespace CortexHub.Grains.Nodes;

/// <summary>A node's persisted registration and connection.</summary>
[GenerateSerializer, Alias("cortexhub.NodeState")]
public sealed record NodeState
{
    [Id(0)]
    public bool Provisioned { get; init; }

    [Id(1)]
    public string Name { get; init; } = "";

    [Id(2)]
    public string Owner { get; init; } = "";

    /// <summary>The node token's salted hash (<see cref="NodeTokens.Hash"/>; a bare SHA-256 from earlier versions until it next matches). The token itself is shown once and never stored.</summary>
    [Id(3)]
    public string TokenHash { get; init; } = "";

    [Id(4)]
    public Dictionary<string, string> Labels { get; init; } = [];

    [Id(5)]
    public string AgentVersion { get; init; } = "";

    [Id(6)]
    public string Hostname { get; init; } = "";

    /// <summary>The node's network address as the gateway saw it (e.g. <c>ipv4:10.0.0.7:51234</c>).</summary>
    [Id(7)]
    public string Address { get; init; } = "";

    [Id(8)]
    public NodeStatus Status { get; init; }

    /// <summary>Silo holding the node's stream while online.</summary>
    [Id(9)]
    public string? SiloId { get; init; }

    /// <summary>The current stream; a newer connection replaces an older one.</summary>
    [Id(10)]
    public string? ConnectionId { get; init; }

    [Id(11)]
    public DateTimeOffset? ProvisionedAt { get; init; }

    [Id(12)]
    public DateTimeOffset? ConnectedAt { get; init; }

    [Id(13)]
    public DateTimeOffset? LastSeenAt { get; init; }

    // [Id(14)] was TerminalSequence (the retired terminal ring): left unused, never to be reused.

    /// <summary>
    /// True once the node's directory row (what node lists read) is known to match this
    /// registration; false between a provisioning's state write and its row's, or for state
    /// written before this field existed.
    /// </summary>
    [Id(15)]
    public bool Listed { get; init; }
}
