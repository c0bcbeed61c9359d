using CortexHub.Grains.Cluster;
using CortexHub.Grains.Storage;
using Microsoft.Extensions.Options;

namespace CortexHub.Grains.Nodes;

/// <summary>List views of nodes: one storage round trip for any number of nodes, with live status.</summary>
public sealed class NodeRegistry(INodeDirectoryStore store, ClusterSilos silos, IOptions<NodeOptions> options, TimeProvider time)
{
    /// <summary>Longest node id accepted (provisioning and Hello alike).</summary>
    public const int MaxNodeIdLength = 128;

    public Task<IReadOnlyList<NodeListItem>> ListAsync(string? owner = null, CancellationToken cancellationToken = default)
    {
        // Many nodes share a few silos: ask the membership view once per silo, not once per node.
        var active = new Dictionary<string, bool>(StringComparer.Ordinal);
        return store.NodeListAsync(owner, time.GetUtcNow(), options.Value.HeartbeatTtl,
            siloId => active.TryGetValue(siloId, out var known) ? known : active[siloId] = silos.IsActive(siloId), cancellationToken);
    }
}
