using CortexHub.Grains.Storage;
using Orleans;

namespace CortexHub.Grains.Nodes;

/// <summary>One node: registration, authentication, its live connection and terminal history. Key: node id.</summary>
[Alias("cortexhub.INodeGrain")]
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>Registers the node and returns its token (the only time it is shown).</summary>
    /// <exception cref="InvalidOperationException">The node is already provisioned.</exception>
    [Alias("Provision")]
    Task<string> ProvisionAsync(NodeProvisionRequest request);

    /// <summary>Replaces the token; the old one stops working at once and the node's open stream is closed.</summary>
    [Alias("RotateToken")]
    Task<string> RotateTokenAsync();

    /// <summary>Removes the token: the node cannot connect until a new one is issued (rotate); its open stream is closed.</summary>
    [Alias("RevokeToken")]
    Task RevokeTokenAsync();

    /// <summary>True when the node is provisioned and the token matches (constant-time comparison); a bare SHA-256 stored by an earlier version is stored salted from its first match on.</summary>
    [Alias("Authenticate"), Idempotent]
    Task<bool> AuthenticateAsync(string token);

    /// <summary>
    /// <see cref="AuthenticateAsync"/> for a new stream: the node's owner when the token matches,
    /// else null. One call where a Hello needs both, so a reconnect storm after a silo's death makes
    /// one call per node before its owner is checked, not two.
    /// </summary>
    [Alias("AuthenticateOwner"), Idempotent]
    Task<string?> AuthenticateOwnerAsync(string token);

    /// <summary>Records a new stream as the node's current one (replacing any older stream); returns the node as it is now.</summary>
    [Alias("Connect"), Idempotent]
    Task<NodeSnapshot> ConnectAsync(NodeConnectInfo connection);

    /// <summary>
    /// Refreshes last-seen for the current stream; false when that stream was replaced. Carries the
    /// stream's observer so an activation that started after the stream did (a failover) can reach it.
    /// </summary>
    [Alias("Heartbeat"), Idempotent]
    Task<bool> HeartbeatAsync(string connectionId, INodeStream stream);

    /// <summary>Commands were queued in the node's outbox: its stream, wherever it is, reads them now.</summary>
    [Alias("CommandsQueued"), Idempotent]
    Task CommandsQueuedAsync();

    /// <summary>A task's dispatch was queued in the node's outbox: its stream, wherever it is, sends it now (see <see cref="INodeStream.DispatchQueued"/>).</summary>
    [Alias("DispatchQueued"), Idempotent]
    Task DispatchQueuedAsync(NodeCommand dispatch);

    /// <summary>Marks the node offline if <paramref name="connectionId"/> is still its current stream.</summary>
    [Alias("Disconnect"), Idempotent]
    Task DisconnectAsync(string connectionId, bool draining);

    [Alias("Get"), Idempotent]
    Task<NodeSnapshot> GetAsync();

    /// <summary>Its owner was disabled: the node's open stream is closed (the gateway refuses new ones while the owner stays disabled).</summary>
    [Alias("OwnerDisabled"), Idempotent]
    Task OwnerDisabledAsync();

}
