using CortexHub.Grains.Cluster;
using CortexHub.Grains.Events;
using CortexHub.Grains.Limits;
using CortexHub.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;

namespace CortexHub.Grains.Nodes;

/// <summary>
/// One node's registration, connection and terminal history. One activation in the cluster holds
/// the state, so reads need no refresh; a heartbeat only touches memory (presence is batched per
/// silo by <see cref="NodeHeartbeats"/>), every other change is written before it is acknowledged.
/// </summary>
[Orleans.GrainType("node")]
[BesideNodePlacement] // activated where the node's stream is (its first call comes from there), and moves there on connect
public sealed class NodeGrain(
    [PersistentState("node", GrainStorage.Name)] IPersistentState<NodeState> node,
    INodeDirectoryStore directory,
    NodeHeartbeats heartbeats,
    ClusterSilos silos,
    EventHub events,
    LegacyGrainState legacy,
    IOptions<NodeOptions> options,
    IOptions<InputLimits> limits,
    TimeProvider time,
    ILogger<NodeGrain> logger) : Grain, INodeGrain, IGrainMigrationParticipant
{
    private const string StreamKey = "stream";

    /// <summary>The current stream's silo end (null until the stream connects or beats to this activation).</summary>
    private INodeStream? _stream;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!node.RecordExists && await legacy.ReadAsync<NodeState>("node", NodeId, cancellationToken) is { } saved)
        {
            // Provisioned by an earlier CortexHub: take its registration over once. Its stream, if
            // any, belonged to a silo that is gone.
            State = saved with { Status = saved.Status == NodeStatus.Online ? NodeStatus.Offline : saved.Status, ConnectionId = null, SiloId = null };
            await node.WriteStateAsync();
        }

        if (State.Provisioned && !State.Listed)
        {
            // Repairs a directory row lost to a crash between the state write and the row's.
            await ListAsync(cancellationToken);
        }
    }

    private string NodeId => this.GetPrimaryKeyString();

    private NodeState State
    {
        get => node.State;
        set => node.State = value;
    }

    public async Task<string> ProvisionAsync(NodeProvisionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (State.Provisioned)
        {
            throw new InvalidOperationException($"Node {NodeId} is already provisioned; rotate its token instead.");
        }

        new InvalidRequestException.Builder()
            .CheckLength(request.Name, limits.Value.MaxNodeNameLength, "name")
            .CheckLabels(limits.Value, request.Labels, "labels")
            .ThrowIfAny();

        var token = NodeTokens.Create();
        State = State with
        {
            Provisioned = true,
            Name = request.Name,
            Owner = request.Owner,
            Labels = new Dictionary<string, string>(request.Labels ?? new Dictionary<string, string>()),
            TokenHash = NodeTokens.Hash(token),
            ProvisionedAt = time.GetUtcNow(),
        };
        await node.WriteStateAsync();
        await ListAsync();
        return token;
    }

    /// <summary>Writes the node's directory row, then records in its state that the row is there.</summary>
    private async Task ListAsync(CancellationToken cancellationToken = default)
    {
        await directory.NodeDirectoryPutAsync(NodeId, State.Name, State.Owner, State.Labels, State.AgentVersion, cancellationToken);
        if (!State.Listed)
        {
            State = State with { Listed = true };
            await node.WriteStateAsync(cancellationToken);
        }
    }

    public async Task<string> RotateTokenAsync()
    {
        EnsureProvisioned();
        var token = NodeTokens.Create();
        State = State with { TokenHash = NodeTokens.Hash(token) };
        await node.WriteStateAsync();
        CloseStream(NodeStreamCloseReason.CredentialsChanged);
        return token;
    }

    public async Task RevokeTokenAsync()
    {
        EnsureProvisioned();
        State = State with { TokenHash = "" };
        await node.WriteStateAsync();
        CloseStream(NodeStreamCloseReason.CredentialsChanged);
    }

    public async Task<bool> AuthenticateAsync(string token) => await AuthenticateOwnerAsync(token) is not null;

    public async Task<string?> AuthenticateOwnerAsync(string token)
    {
        if (!State.Provisioned || !NodeTokens.Matches(token, State.TokenHash, out var rehashed))
        {
            return null;
        }

        if (rehashed is not null)
        {
            State = State with { TokenHash = rehashed };
            await node.WriteStateAsync();
        }

        return State.Owner;
    }

    public async Task<NodeSnapshot> ConnectAsync(NodeConnectInfo connection)
    {
        EnsureProvisioned();

        // The gateway refuses such a Hello first; this keeps the registry bounded whoever calls.
        new InvalidRequestException.Builder()
            .CheckLabels(limits.Value, connection.Labels, "labels")
            .CheckLength(connection.Hostname, limits.Value.MaxNodeTextLength, "hostname")
            .CheckLength(connection.AgentVersion, limits.Value.MaxNodeTextLength, "agentVersion")
            .ThrowIfAny();
        var now = time.GetUtcNow();
        var listed = (State.Labels, State.AgentVersion);
        if (State.ConnectionId != connection.ConnectionId)
        {
            CloseStream(NodeStreamCloseReason.Replaced); // an older stream, wherever it still is
        }

        _stream = connection.Stream;
        State = State with
        {
            Status = NodeStatus.Online,
            SiloId = connection.SiloId,
            ConnectionId = connection.ConnectionId,
            AgentVersion = connection.AgentVersion,
            Hostname = connection.Hostname,
            Address = connection.Address,
            Labels = connection.Labels.Count > 0 ? new Dictionary<string, string>(connection.Labels) : State.Labels,
            ConnectedAt = now,
            LastSeenAt = now,
        };
        // The grain's state and the presence row are independent rows: one round trip of waiting, not
        // two (a silo's death re-attaches its nodes all at once, each waiting on these writes).
        var presence = directory.PresenceSetAsync(NodeId, connection.SiloId, connection.ConnectionId, NodeStatus.Online, now);
        await Task.WhenAll(node.WriteStateAsync(), presence);
        if (!ReferenceEquals(listed.Labels, State.Labels) || listed.AgentVersion != State.AgentVersion)
        {
            await directory.NodeDirectoryPutAsync(NodeId, State.Name, State.Owner, State.Labels, State.AgentVersion);
        }

        await PublishStatusAsync();
        if (connection.SiloId != silos.LocalSiloId && ClusterSilos.TryParse(connection.SiloId) is not null)
        {
            // Provisioned through another silo's API, or its stream moved: follow the stream, so
            // heartbeats, commands and the journal stay in one process.
            BesideNodePlacement.Hint(connection.SiloId);
            MigrateOnIdle();
        }

        return Snapshot();
    }

    void IGrainMigrationParticipant.OnDehydrate(IDehydrationContext dehydrationContext)
    {
        if (_stream is not null)
        {
            dehydrationContext.TryAddValue(StreamKey, _stream);
        }
    }

    void IGrainMigrationParticipant.OnRehydrate(IRehydrationContext rehydrationContext)
    {
        if (rehydrationContext.TryGetValue<INodeStream>(StreamKey, out var stream))
        {
            _stream = stream;
        }
    }

    public Task<bool> HeartbeatAsync(string connectionId, INodeStream stream)
    {
        if (State.ConnectionId != connectionId)
        {
            return Task.FromResult(false);
        }

        _stream ??= stream;
        // No write per heartbeat: the silo's heartbeat batcher refreshes presence for all its nodes at once.
        State = State with { LastSeenAt = time.GetUtcNow() };
        heartbeats.Beat(NodeId, State.SiloId!);
        return Task.FromResult(true);
    }

    public async Task DisconnectAsync(string connectionId, bool draining)
    {
        if (State.ConnectionId != connectionId)
        {
            return;
        }

        _stream = null;
        State = State with
        {
            Status = draining ? NodeStatus.Draining : NodeStatus.Offline,
            ConnectionId = null,
            SiloId = null,
            LastSeenAt = time.GetUtcNow(),
        };
        await node.WriteStateAsync();
        await directory.PresenceClearAsync(NodeId, connectionId, State.Status, time.GetUtcNow());
        await PublishStatusAsync();
    }

    public Task CommandsQueuedAsync()
    {
        _ = _stream?.CommandsQueued();
        return Task.CompletedTask;
    }

    public Task DispatchQueuedAsync(NodeCommand dispatch)
    {
        _ = _stream?.DispatchQueued(dispatch);
        return Task.CompletedTask;
    }

    public Task<NodeSnapshot> GetAsync() => Task.FromResult(Snapshot());

    public Task OwnerDisabledAsync()
    {
        CloseStream(NodeStreamCloseReason.OwnerDisabled);
        return Task.CompletedTask;
    }

    private NodeSnapshot Snapshot() =>
        new(NodeId, State.Provisioned, State.Name, State.Owner, State.Labels, State.AgentVersion, State.Hostname,
            Status(), State.SiloId, State.ConnectionId, State.ConnectedAt, State.LastSeenAt, State.Address);

    /// <summary>
    /// The recorded status read by the heartbeat rule (<see cref="NodePresence"/>), the one the node
    /// list applies: "online" needs a heartbeat within the TTL and the stream's silo active, and
    /// "draining" ends when no stream is left to record the node offline.
    /// </summary>
    private NodeStatus Status() =>
        NodePresence.Effective(State.Status, State.LastSeenAt, silos.IsActive(State.SiloId), time.GetUtcNow(), options.Value.HeartbeatTtl);

    private Task PublishStatusAsync() =>
        events.PublishBestEffortAsync(logger, HubEventKinds.NodeStatus, "node:" + NodeId, NodeId, State.Owner, null,
            new { status = State.Status.ToString().ToLowerInvariant(), siloId = State.SiloId, connectionId = State.ConnectionId });

    /// <summary>One-way: a stream on a silo that died is gone anyway, and its node reconnects.</summary>
    private void CloseStream(NodeStreamCloseReason reason)
    {
        _ = _stream?.Close(reason);
        _stream = null;
    }

    private void EnsureProvisioned()
    {
        if (!State.Provisioned)
        {
            throw new InvalidOperationException($"Node {NodeId} is not provisioned.");
        }
    }
}
