using System.Collections.Concurrent;
using CortexHub.Grains;
using CortexHub.Grpc;
using CortexHub.Runtime.Storage;

namespace CortexHub.Gateway;

/// <summary>
/// The node streams this silo holds. Listens for cluster hints: a command queued for a node wakes
/// its session's outbox; a node that connected elsewhere closes its older stream here.
/// </summary>
internal sealed class NodeSessionRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, NodeSession> _sessions = new(StringComparer.Ordinal);
    private readonly IDisposable[] _subscriptions;

    public NodeSessionRegistry(IClusterNotifier notifier)
    {
        _subscriptions =
        [
            notifier.Subscribe(HubChannels.NodeOutbox, nodeId =>
            {
                if (_sessions.TryGetValue(nodeId, out var session))
                {
                    session.WakeOutbox();
                }
            }),
            notifier.Subscribe(HubChannels.NodeCredentialsChanged, nodeId =>
            {
                if (_sessions.TryGetValue(nodeId, out var session))
                {
                    session.Close(new GrpcStatus(StatusCode.Unauthenticated, "The node's token was rotated or revoked; reconnect with the current token."));
                }
            }),
            notifier.Subscribe(HubChannels.NodeConnected, payload =>
            {
                var parts = payload.Split('\n');
                if (parts.Length == 2 && _sessions.TryGetValue(parts[0], out var session) && session.ConnectionId != parts[1])
                {
                    session.Close(new GrpcStatus(StatusCode.Aborted, "This stream was replaced by a newer connection of the same node."));
                }
            }),
        ];
        notifier.Resync += WakeAll;
    }

    public int Count => _sessions.Count;

    public bool TryGet(string nodeId, out NodeSession session) => _sessions.TryGetValue(nodeId, out session!);

    /// <summary>Makes <paramref name="session"/> the node's stream here, closing any older one.</summary>
    public void Register(NodeSession session) =>
        _sessions.AddOrUpdate(session.NodeId, session, (_, older) =>
        {
            older.Close(new GrpcStatus(StatusCode.Aborted, "This stream was replaced by a newer connection of the same node."));
            return session;
        });

    public void Unregister(NodeSession session) => _sessions.TryRemove(new KeyValuePair<string, NodeSession>(session.NodeId, session));

    /// <summary>Tells every node to reconnect elsewhere and closes the streams.</summary>
    public Task DrainAllAsync(string reason) => Task.WhenAll(_sessions.Values.Select(s => s.DrainAsync(reason)));

    private void WakeAll()
    {
        foreach (var session in _sessions.Values)
        {
            session.WakeOutbox();
        }
    }

    public void Dispose()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }
    }
}
