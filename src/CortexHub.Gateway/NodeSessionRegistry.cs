using System.Collections.Concurrent;

namespace CortexHub.Gateway;

/// <summary>
/// The node streams this silo holds, one per node. Other silos reach them through the node
/// grain and each stream's observer (<see cref="NodeSession"/>), not through this registry.
/// </summary>
internal sealed class NodeSessionRegistry
{
    private readonly ConcurrentDictionary<string, NodeSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>Makes <paramref name="session"/> the node's stream here, closing any older one.</summary>
    public void Register(NodeSession session) =>
        _sessions.AddOrUpdate(session.NodeId, session, (_, older) =>
        {
            older.Close(NodeSession.Replaced);
            return session;
        });

    public void Unregister(NodeSession session) => _sessions.TryRemove(new KeyValuePair<string, NodeSession>(session.NodeId, session));

    /// <summary>Tells every node to reconnect elsewhere and closes the streams.</summary>
    public Task DrainAllAsync(string reason) => Task.WhenAll(_sessions.Values.Select(s => s.DrainAsync(reason)));
}
