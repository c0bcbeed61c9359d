using System.Data.Common;
using System.Text.Json;
using CortexHub.Grains.Nodes;
using CortexHub.Storage.Relational;

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

    public Task<IReadOnlyList<NodeListItem>> NodeListAsync(string? owner, DateTimeOffset now, TimeSpan heartbeatTtl, Func<string, bool> siloActive, CancellationToken cancellationToken = default) =>
        database.QueryAsync("NodeList", command => RelationalDatabase.Bind(command, "@owner", owner), reader => Read(reader, now, heartbeatTtl, siloActive), cancellationToken);

    public Task NodeDirectoryPutAsync(string nodeId, string name, string owner, IReadOnlyDictionary<string, string> labels, string agentVersion, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("NodeDirectoryPut", command =>
        {
            RelationalDatabase.Bind(command, "@node", nodeId);
            RelationalDatabase.Bind(command, "@name", name);
            RelationalDatabase.Bind(command, "@owner", owner);
            RelationalDatabase.Bind(command, "@labels", JsonSerializer.Serialize(labels, Json));
            RelationalDatabase.Bind(command, "@agent", agentVersion);
        }, cancellationToken);

    private NodeListItem Read(DbDataReader reader, DateTimeOffset now, TimeSpan ttl, Func<string, bool> siloActive)
    {
        var labels = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(3), Json) ?? [];
        var presence = reader.IsDBNull(5) ? "offline" : reader.GetString(5);
        DateTimeOffset? lastSeen = reader.IsDBNull(7) ? null : database.ReadTime(reader, 7);
        var siloAlive = !reader.IsDBNull(6) && siloActive(reader.GetString(6));
        var recorded = presence switch
        {
            "online" => NodeStatus.Online,
            "draining" => NodeStatus.Draining,
            _ => NodeStatus.Offline,
        };
        var status = NodePresence.Effective(recorded, lastSeen, siloAlive, now, ttl);
        return new NodeListItem(reader.GetString(0), reader.GetString(1), reader.GetString(2), labels, reader.GetString(4), status,
            status == NodeStatus.Online ? reader.GetString(6) : null, lastSeen);
    }

    private static string Text(NodeStatus status) => status.ToString().ToLowerInvariant();
}
