using CortexHub.Grains.Storage;
using Orleans;
using Orleans.Concurrency;

namespace CortexHub.Grains.Nodes;

/// <summary>
/// The silo end of a node's open stream, as a grain observer: the node grain reaches the silo
/// holding the stream through it, wherever that is in the cluster. Calls are one-way hints; what
/// they announce is already durable (a lost one is caught by the stream's periodic outbox read).
/// </summary>
[Alias("cortexhub.INodeStream")]
public interface INodeStream : IGrainObserver
{
    /// <summary>Commands were queued for the node: read its outbox now.</summary>
    [Alias("CommandsQueued"), OneWay]
    Task CommandsQueued();

    /// <summary>
    /// A task's dispatch was queued (its outbox row is durable): send it now instead of reading it
    /// back from the outbox. Only a task's first command comes this way, so it overtakes nothing of
    /// its task; the row stays until the node confirms, for a lost hint or a stream that ends.
    /// </summary>
    [Alias("DispatchQueued"), OneWay]
    Task DispatchQueued(NodeCommand dispatch);

    /// <summary>End the stream (the node reconnects and learns why).</summary>
    [Alias("Close"), OneWay]
    Task Close(NodeStreamCloseReason reason);
}

[GenerateSerializer, Alias("cortexhub.NodeStreamCloseReason")]
public enum NodeStreamCloseReason
{
    /// <summary>The node opened a newer stream (on this or another silo).</summary>
    Replaced = 0,

    /// <summary>The node's token was rotated or revoked.</summary>
    CredentialsChanged = 1,

    /// <summary>The user who owns the node was disabled.</summary>
    OwnerDisabled = 2,
}
