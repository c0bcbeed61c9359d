using Orleans;

namespace CortexHub.Grains.Nodes;

/// <summary>What callers see of a node (never the token hash).</summary>
[GenerateSerializer, Alias("cortexhub.NodeSnapshot")]
public sealed record NodeSnapshot(
    [property: Id(0)] string NodeId,
    [property: Id(1)] bool Provisioned,
    [property: Id(2)] string Name,
    [property: Id(3)] string Owner,
    [property: Id(4)] IReadOnlyDictionary<string, string> Labels,
    [property: Id(5)] string AgentVersion,
    [property: Id(6)] string Hostname,
    [property: Id(7)] NodeStatus Status,
    [property: Id(8)] string? SiloId,
    [property: Id(9)] string? ConnectionId,
    [property: Id(10)] DateTimeOffset? ConnectedAt,
    [property: Id(11)] DateTimeOffset? LastSeenAt,
    [property: Id(12)] string Address = "");
