namespace CortexHub.Grains.Nodes;

public enum NodeStatus
{
    /// <summary>Provisioned, never connected or disconnected.</summary>
    Offline,

    /// <summary>A stream is open to some silo.</summary>
    Online,

    /// <summary>The node's silo is draining; the node is expected to reconnect elsewhere.</summary>
    Draining,
}
