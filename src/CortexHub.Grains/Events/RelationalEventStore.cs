using System.Buffers;
using System.Data.Common;
using System.Text;
using System.Text.Json;
using CortexHub.Storage.Relational;

namespace CortexHub.Grains.Events;

public sealed class RelationalEventStore(RelationalDatabase database) : IEventStore
{
    /// <summary>One statement for the whole batch (the drafts as one JSON array), so a group commit costs one round trip.</summary>
    public Task EventAppendManyAsync(IReadOnlyList<HubEventDraft> drafts, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("EventAppend", command =>
        {
            RelationalDatabase.Bind(command, "@events", DraftsJson(drafts));
            RelationalDatabase.Bind(command, "@now", database.ToDbTime(now));
        }, cancellationToken);

    public Task<IReadOnlyList<HubEvent>> EventReadAsync(long afterId, IReadOnlyCollection<long> alsoIds, int limit, CancellationToken cancellationToken = default) =>
        database.QueryAsync("EventRead", command =>
        {
            RelationalDatabase.Bind(command, "@after", afterId);
            RelationalDatabase.Bind(command, "@ids", database.ToDbIdList([.. alsoIds.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
            RelationalDatabase.Bind(command, "@limit", limit);
        }, Read, cancellationToken);

    public async Task<long> EventLastIdAsync(CancellationToken cancellationToken = default) =>
        (await database.QueryAsync("EventLastId", _ => { }, reader => reader.GetInt64(0), cancellationToken))[0];

    public Task<int> EventPruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("EventPrune", command => RelationalDatabase.Bind(command, "@before", database.ToDbTime(before)), cancellationToken);

    public async Task<long> EventPrunedThroughAsync(CancellationToken cancellationToken = default) =>
        (await database.QueryAsync("EventPrunedThrough", _ => { }, reader => reader.GetInt64(0), cancellationToken))[0];

    /// <summary>The drafts as <c>[{"kind":…,"source":…,"node_id":…,"user_id":…,"task_id":…,"payload":"…"}]</c> (the payload as a string).</summary>
    private static string DraftsJson(IReadOnlyList<HubEventDraft> drafts)
    {
        var buffer = new ArrayBufferWriter<byte>(256 * drafts.Count);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var draft in drafts)
            {
                json.WriteStartObject();
                json.WriteString("kind", draft.Kind);
                json.WriteString("source", draft.Source);
                json.WriteString("node_id", draft.NodeId);
                json.WriteString("user_id", draft.UserId);
                json.WriteString("task_id", draft.TaskId);
                json.WriteString("payload", draft.PayloadJson);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private HubEvent Read(DbDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.GetString(6),
        database.ReadTime(reader, 7));
}
