using System.Data.Common;
using CortexHub.Runtime.Storage.Relational;

namespace CortexHub.Grains.Events;

public sealed class RelationalEventStore(RelationalDatabase database) : IEventStore
{
    public Task EventAppendManyAsync(IReadOnlyList<HubEventDraft> drafts, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var command = database.Command(connection, "EventAppend");
            command.Transaction = transaction;
            var time = database.ToDbTime(now);
            foreach (var draft in drafts)
            {
                command.Parameters.Clear();
                RelationalDatabase.Bind(command, "@kind", draft.Kind);
                RelationalDatabase.Bind(command, "@source", draft.Source);
                RelationalDatabase.Bind(command, "@node", draft.NodeId);
                RelationalDatabase.Bind(command, "@user", draft.UserId);
                RelationalDatabase.Bind(command, "@task", draft.TaskId);
                RelationalDatabase.Bind(command, "@payload", draft.PayloadJson);
                RelationalDatabase.Bind(command, "@now", time);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return drafts.Count;
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
