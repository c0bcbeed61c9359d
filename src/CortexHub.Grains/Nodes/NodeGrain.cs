using CortexHub.Grains.Events;
using CortexHub.Grains.Storage;
using CortexHub.Runtime;
using CortexHub.Runtime.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CortexHub.Grains.Nodes;

[GrainType("node")]
public sealed class NodeGrain(
    ITerminalStore terminal,
    INodeDirectoryStore directory,
    NodeHeartbeats heartbeats,
    EventHub events,
    IClusterNotifier notifier,
    IOptions<NodeOptions> options,
    ILogger<NodeGrain> logger) : Grain<NodeState>, INodeGrain
{
    public async Task<string> ProvisionAsync(NodeProvisionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (State.Provisioned)
        {
            throw new InvalidOperationException($"Node {GrainKey} is already provisioned; rotate its token instead.");
        }

        var token = NodeTokens.Create();
        State = State with
        {
            Provisioned = true,
            Name = request.Name,
            Owner = request.Owner,
            Labels = request.Labels ?? new Dictionary<string, string>(),
            TokenHash = NodeTokens.Hash(token),
            ProvisionedAt = Time.GetUtcNow(),
        };
        await WriteStateAsync();
        return token;
    }

    public async Task<string> RotateTokenAsync()
    {
        EnsureProvisioned();
        var token = NodeTokens.Create();
        State = State with { TokenHash = NodeTokens.Hash(token) };
        await WriteStateAsync();
        await notifier.HintAsync(logger, HubChannels.NodeCredentialsChanged, GrainKey);
        return token;
    }

    public async Task RevokeTokenAsync()
    {
        EnsureProvisioned();
        State = State with { TokenHash = "" };
        await WriteStateAsync();
        await notifier.HintAsync(logger, HubChannels.NodeCredentialsChanged, GrainKey);
    }

    public async Task<bool> AuthenticateAsync(string token)
    {
        // A token rotated through another silo's activation must stop working here at once.
        await RefreshStateAsync();
        return State.Provisioned && NodeTokens.Matches(token, State.TokenHash);
    }

    public async Task<NodeSnapshot> ConnectAsync(NodeConnectInfo connection)
    {
        EnsureProvisioned();
        var now = Time.GetUtcNow();
        State = State with
        {
            Status = NodeStatus.Online,
            SiloId = connection.SiloId,
            ConnectionId = connection.ConnectionId,
            AgentVersion = connection.AgentVersion,
            Hostname = connection.Hostname,
            Address = connection.Address,
            Labels = connection.Labels.Count > 0 ? connection.Labels : State.Labels,
            ConnectedAt = now,
            LastSeenAt = now,
        };
        await WriteStateAsync();
        await directory.PresenceSetAsync(GrainKey, connection.SiloId, connection.ConnectionId, NodeStatus.Online, now);
        await PublishStatusAsync();
        return Snapshot();
    }

    public Task<bool> HeartbeatAsync(string connectionId)
    {
        if (State.ConnectionId != connectionId)
        {
            return Task.FromResult(false);
        }

        // No write per heartbeat: the silo's heartbeat batcher refreshes presence for all its nodes at once.
        State = State with { LastSeenAt = Time.GetUtcNow() };
        heartbeats.Beat(GrainKey);
        return Task.FromResult(true);
    }

    public async Task DisconnectAsync(string connectionId, bool draining)
    {
        if (State.ConnectionId != connectionId)
        {
            return;
        }

        State = State with
        {
            Status = draining ? NodeStatus.Draining : NodeStatus.Offline,
            ConnectionId = null,
            SiloId = null,
            LastSeenAt = Time.GetUtcNow(),
        };
        await WriteStateAsync();
        await directory.PresenceClearAsync(GrainKey, connectionId, State.Status, Time.GetUtcNow());
        await PublishStatusAsync();
    }

    public async Task AppendTerminalAsync(string connectionId, byte[] data)
    {
        if (State.ConnectionId != connectionId || data.Length == 0)
        {
            return;
        }

        var sequence = State.TerminalSequence + 1;
        var now = Time.GetUtcNow();
        await terminal.TerminalPutAsync(GrainKey, (int)(sequence % options.Value.TerminalChunks), sequence, data, now);
        State = State with { TerminalSequence = sequence, LastSeenAt = now };
        await WriteStateAsync();
        await events.PublishBestEffortAsync(logger, HubEventKinds.NodeTerminal, "node:" + GrainKey, GrainKey, State.Owner, null, new { sequence, bytes = data.Length });
    }

    public async Task<IReadOnlyList<TerminalChunk>> GetTerminalAsync()
    {
        await RefreshStateAsync();
        var chunks = await terminal.TerminalListAsync(GrainKey, Math.Max(0, State.TerminalSequence - options.Value.TerminalChunks));

        // The newest chunks that fit in TerminalBytes (a huge chunk alone is cut to its end).
        var kept = new List<TerminalChunk>();
        var budget = options.Value.TerminalBytes;
        for (var i = chunks.Count - 1; i >= 0 && budget > 0; i--)
        {
            var chunk = chunks[i];
            kept.Add(chunk.Data.Length <= budget ? chunk : chunk with { Data = chunk.Data[^budget..] });
            budget -= chunk.Data.Length;
        }

        kept.Reverse();
        return kept;
    }

    public async Task<NodeSnapshot> GetAsync()
    {
        await RefreshStateAsync();
        return Snapshot();
    }

    public async Task<string?> GetOwnerAsync()
    {
        if (!State.Provisioned)
        {
            await RefreshStateAsync(); // provisioned through another silo since this activation loaded
        }

        return State.Provisioned ? State.Owner : null;
    }

    private NodeSnapshot Snapshot() =>
        new(GrainKey, State.Provisioned, State.Name, State.Owner, State.Labels, State.AgentVersion, State.Hostname,
            State.Status, State.SiloId, State.ConnectionId, State.ConnectedAt, State.LastSeenAt, State.Address);

    private Task PublishStatusAsync() =>
        events.PublishBestEffortAsync(logger, HubEventKinds.NodeStatus, "node:" + GrainKey, GrainKey, State.Owner, null,
            new { status = State.Status.ToString().ToLowerInvariant(), siloId = State.SiloId, connectionId = State.ConnectionId });

    private void EnsureProvisioned()
    {
        if (!State.Provisioned)
        {
            throw new InvalidOperationException($"Node {GrainKey} is not provisioned.");
        }
    }
}
