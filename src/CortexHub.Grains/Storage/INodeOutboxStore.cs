namespace CortexHub.Grains.Storage;

/// <summary>
/// Durable hub-to-node commands. A command stays until the node confirms it, so it survives the
/// death of the silo that held the node's stream and is delivered after the node reconnects.
/// </summary>
public interface INodeOutboxStore
{
    /// <summary>Adds a command; a repeated command id for the same node is ignored.</summary>
    Task NodeCommandEnqueueAsync(string nodeId, string commandId, byte[] payload, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Unconfirmed commands of a node, oldest first.</summary>
    Task<IReadOnlyList<NodeCommand>> NodeCommandListPendingAsync(string nodeId, int limit, CancellationToken cancellationToken = default);

    Task<bool> NodeCommandDeleteAsync(string nodeId, string commandId, CancellationToken cancellationToken = default);
}
