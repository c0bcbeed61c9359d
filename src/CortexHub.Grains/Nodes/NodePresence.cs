namespace CortexHub.Grains.Nodes;

/// <summary>
/// The heartbeat rule: what a node's recorded status means now. A record is only as fresh as the
/// node's last sighting. "Online" needs a live silo and a heartbeat within the TTL; "draining" (its
/// silo asked it to reconnect elsewhere) holds for one TTL after the node was last seen, because a
/// node that never reconnects (the whole hub restarted, or the node went away meanwhile) has nobody
/// left to record that it is offline.
/// </summary>
public static class NodePresence
{
    public static NodeStatus Effective(NodeStatus recorded, DateTimeOffset? lastSeen, bool siloActive, DateTimeOffset now, TimeSpan heartbeatTtl)
    {
        var fresh = lastSeen >= now - heartbeatTtl;
        return recorded switch
        {
            NodeStatus.Online when siloActive && fresh => NodeStatus.Online,
            NodeStatus.Draining when fresh => NodeStatus.Draining,
            _ => NodeStatus.Offline,
        };
    }
}
