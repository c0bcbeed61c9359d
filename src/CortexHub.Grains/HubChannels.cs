namespace CortexHub.Grains;

/// <summary>
/// Names of cross-silo notification channels (PostgreSQL LISTEN/NOTIFY; hints only: the tables are
/// the truth). What is meant for one node's stream goes through its node grain instead
/// (<see cref="Nodes.INodeStream"/>).
/// </summary>
public static class HubChannels
{
    /// <summary>Payload: task id. The task reached a terminal state.</summary>
    public const string TaskFinished = "task-finished";

    /// <summary>Payload: item id. Claimable work appeared (submitted, retried, requeued); dispatchers look for work.</summary>
    public const string PoolWork = "pool-work";
}
