namespace CortexHub.Grains.Nodes;

/// <summary>Node registry settings. Bound from <c>CortexHub:Nodes</c>.</summary>
public sealed class NodeOptions
{
    public const string SectionName = "CortexHub:Nodes";
    public const int DefaultTerminalChunks = 150;

    /// <summary>Terminal chunks kept per node (a ring: the oldest is overwritten). Default 150.</summary>
    public int TerminalChunks { get; set; } = DefaultTerminalChunks;
}
