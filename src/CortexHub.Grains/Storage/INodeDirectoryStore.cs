using CortexHub.Grains.Nodes;

namespace CortexHub.Grains.Storage;

/// <summary>Presence of node streams, the node directory (what list views show) and the one-round-trip node list.</summary>
public interface INodeDirectoryStore
{
    Task PresenceSetAsync(string nodeId, string? siloId, string? connectionId, NodeStatus status, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Marks a node offline/draining if <paramref name="connectionId"/> is still its stream.</summary>
    Task PresenceClearAsync(string nodeId, string connectionId, NodeStatus status, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Refreshes last-seen of many nodes streaming to one silo in one statement.</summary>
    Task PresenceTouchAsync(string siloId, IReadOnlyCollection<string> nodeIds, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Records (or updates) what list views show of a node; the node grain calls it when that changes.</summary>
    Task NodeDirectoryPutAsync(string nodeId, string name, string owner, IReadOnlyDictionary<string, string> labels, string agentVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every provisioned node (of one owner, or all) with its live status, in one round trip: online
    /// while its stream's silo is active (<paramref name="siloActive"/>) and it beat within the TTL.
    /// </summary>
    Task<IReadOnlyList<NodeListItem>> NodeListAsync(string? owner, DateTimeOffset now, TimeSpan heartbeatTtl, Func<string, bool> siloActive, CancellationToken cancellationToken = default);
}
