using Orleans;

namespace CortexHub.Grains.Nodes;

/// <summary>What a gateway reports when a node's stream is authenticated: where the stream is and how to reach it.</summary>
[GenerateSerializer, Alias("cortexhub.NodeConnectInfo")]
public sealed record NodeConnectInfo(
    [property: Id(0)] string SiloId,
    [property: Id(1)] string ConnectionId,
    [property: Id(2)] string AgentVersion,
    [property: Id(3)] string Hostname,
    [property: Id(4)] IReadOnlyDictionary<string, string> Labels,
    [property: Id(5)] string Address,
    [property: Id(6)] INodeStream Stream);
