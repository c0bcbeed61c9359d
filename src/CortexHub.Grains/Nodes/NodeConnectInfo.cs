namespace CortexHub.Grains.Nodes;

/// <summary>What a gateway reports when a node's stream is authenticated.</summary>
public sealed record NodeConnectInfo(
    string SiloId,
    string ConnectionId,
    string AgentVersion,
    string Hostname,
    IReadOnlyDictionary<string, string> Labels,
    string Address = "");
