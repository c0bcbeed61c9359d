namespace CortexHub.Grains.Events;

public static class HubEventKinds
{
    public const string NodeStatus = "node.status";
    public const string TaskState = "task.state";
    public const string TaskOutput = "task.output";
    public const string PoolItem = "pool.item";
}
