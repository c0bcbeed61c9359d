using System.Data.Common;
using System.Text.Json;
using CortexHub.Grains.Nodes;
using CortexHub.Runtime.Storage.Relational;

namespace CortexHub.Grains.Storage;

public sealed class RelationalNodeDirectoryStore(RelationalDatabase database) : INodeDirectoryStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task PresenceSetAsync(string nodeId, string? siloId, string? connectionId, NodeStatus status, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("PresenceSet", command =>
        {
            RelationalDatabase.Bind(command, "@node", nodeId);
            RelationalDatabase.Bind(command, "@silo", siloId);
            RelationalDatabase.Bind(command, "@connection", connectionId);
            RelationalDatabase.Bind(command, "@status", Text(status));
            RelationalDatabase.Bind(command, "@now", database.ToDbTime(now));
        }, cancellationToken);

    public Task PresenceClearAsync(string nodeId, string connectionId, NodeStatus status, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("PresenceClear", command =>
        {
            RelationalDatabase.Bind(command, "@node", nodeId);
            RelationalDatabase.Bind(command, "@connection", connectionId);
            RelationalDatabase.Bind(command, "@status", Text(status));
            RelationalDatabase.Bind(command, "@now", database.ToDbTime(now));
        }, cancellationToken);

    public Task PresenceTouchAsync(string siloId, IReadOnlyCollection<string> nodeIds, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("PresenceTouch", command =>
        {
            RelationalDatabase.Bind(command, "@silo", siloId);
            RelationalDatabase.Bind(command, "@nodes", database.ToDbIdList(nodeIds));
            RelationalDatabase.Bind(command, "@now", database.ToDbTime(now));
        }, cancellationToken);

    public Task<IReadOnlyList<NodeListItem>> NodeListAsync(string? owner, DateTimeOffset now, TimeSpan heartbeatTtl, CancellationToken cancellationToken = default) =>
        database.QueryAsync("NodeList", command => RelationalDatabase.Bind(command, "@owner", owner), reader => Read(reader, now, heartbeatTtl), cancellationToken);

    private NodeListItem Read(DbDataReader reader, DateTimeOffset now, TimeSpan ttl)
    {
        var state = JsonSerializer.Deserialize<NodeState>(reader.GetString(1), Json) ?? new NodeState();
        var presence = reader.IsDBNull(2) ? "offline" : reader.GetString(2);
        DateTimeOffset? lastSeen = reader.IsDBNull(4) ? null : database.ReadTime(reader, 4);
        var siloAlive = !reader.IsDBNull(5) && reader.GetString(5) == "active";
        var status = presence switch
        {
            "online" when siloAlive && lastSeen >= now - ttl => NodeStatus.Online,
            "draining" => NodeStatus.Draining,
            _ => NodeStatus.Offline,
        };
        return new NodeListItem(reader.GetString(0), state.Name, state.Owner, state.Labels, state.AgentVersion, status,
            status == NodeStatus.Online ? reader.GetString(3) : null, lastSeen);
    }

    private static string Text(NodeStatus status) => status.ToString().ToLowerInvariant();
}
