namespace CortexHub.Grains;

/// <summary>Names of cross-silo notification channels (hints only: the tables are the truth).</summary>
public static class HubChannels
{
    /// <summary>Payload: node id. A command was queued for the node.</summary>
    public const string NodeOutbox = "node-outbox";

    /// <summary>Payload: "nodeId\nconnectionId". A node opened a stream; older streams of the node should close.</summary>
    public const string NodeConnected = "node-connected";

    /// <summary>Payload: node id. The node's token was rotated or revoked; its open stream closes.</summary>
    public const string NodeCredentialsChanged = "node-credentials";

    /// <summary>Payload: task id. The task reached a terminal state.</summary>
    public const string TaskFinished = "task-finished";

    /// <summary>Payload: item id. Claimable work appeared (submitted, retried, requeued); dispatchers look for work.</summary>
    public const string PoolWork = "pool-work";
}
