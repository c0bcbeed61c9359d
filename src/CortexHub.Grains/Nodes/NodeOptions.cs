namespace CortexHub.Grains.Nodes;

/// <summary>Node registry settings. Bound from <c>CortexHub:Nodes</c>.</summary>
public sealed class NodeOptions
{
    public const string SectionName = "CortexHub:Nodes";

    /// <summary>A node whose last heartbeat is older than this shows offline even if its stream looks open. Default 15 seconds.</summary>
    public TimeSpan HeartbeatTtl { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often each silo writes the heartbeats it received (one statement for all its nodes). Default 3 seconds.</summary>
    public TimeSpan HeartbeatFlushInterval { get; set; } = TimeSpan.FromSeconds(3);
}
