using CortexHub.Grains.Events;
using CortexHub.Grains.Storage;
using CortexHub.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CortexHub.Grains.Nodes;

[GrainType("node")]
public sealed class NodeGrain(ITerminalStore terminal, EventHub events, IOptions<NodeOptions> options, ILogger<NodeGrain> logger) : Grain<NodeState>, INodeGrain
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
        return token;
    }

    public async Task<bool> AuthenticateAsync(string token)
    {
        // A token rotated through another silo's activation must stop working here at once.
        await RefreshStateAsync();
        return State.Provisioned && NodeTokens.Matches(token, State.TokenHash);
    }

    public async Task ConnectAsync(NodeConnectInfo connection)
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
            Labels = connection.Labels.Count > 0 ? connection.Labels : State.Labels,
            ConnectedAt = now,
            LastSeenAt = now,
        };
        await WriteStateAsync();
        await PublishStatusAsync();
    }

    public Task<bool> HeartbeatAsync(string connectionId)
    {
        if (State.ConnectionId != connectionId)
        {
            return Task.FromResult(false);
        }

        // In memory only: a heartbeat is not worth a write. The persisted last-seen moves on
        // connect, disconnect and terminal output; the live one is in this activation.
        State = State with { LastSeenAt = Time.GetUtcNow() };
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

    public Task<IReadOnlyList<TerminalChunk>> GetTerminalAsync() =>
        terminal.TerminalListAsync(GrainKey, Math.Max(0, State.TerminalSequence - options.Value.TerminalChunks));

    public async Task<NodeSnapshot> GetAsync()
    {
        await RefreshStateAsync();
        return new NodeSnapshot(
            GrainKey, State.Provisioned, State.Name, State.Owner, State.Labels, State.AgentVersion, State.Hostname,
            State.Status, State.SiloId, State.ConnectionId, State.ConnectedAt, State.LastSeenAt);
    }

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
