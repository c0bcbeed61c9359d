using System.Data.Common;

namespace CortexHub.Runtime.Storage.Relational;

/// <summary>Durable reminders on any <see cref="RelationalDatabase"/>; the claim's locking lives in each dialect's SQL.</summary>
public sealed class RelationalReminderStore(RelationalDatabase database) : IReminderStore
{
    public Task ReminderUpsertAsync(ReminderDefinition reminder, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("ReminderUpsert", command =>
        {
            BindName(command, reminder.Grain, reminder.Name);
            RelationalDatabase.Bind(command, "@period_ms", reminder.Period is { } p ? (long)p.TotalMilliseconds : null);
            RelationalDatabase.Bind(command, "@next_due_at", database.ToDbTime(reminder.NextDueAt));
        }, cancellationToken);

    public async Task<bool> ReminderDeleteAsync(GrainId grain, string name, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync("ReminderDelete", command => BindName(command, grain, name), cancellationToken) > 0;

    public Task<IReadOnlyList<ReminderDefinition>> ReminderListAsync(GrainId grain, CancellationToken cancellationToken = default) =>
        database.QueryAsync(
            "ReminderList",
            command =>
            {
                RelationalDatabase.Bind(command, "@type", grain.Type);
                RelationalDatabase.Bind(command, "@key", grain.Key);
            },
            reader => new ReminderDefinition(grain, reader.GetString(0), database.ReadTime(reader, 1), Period(reader, 2)),
            cancellationToken);

    public Task<IReadOnlyList<ReminderLease>> ReminderClaimDueAsync(ReminderClaimParams claim, CancellationToken cancellationToken = default)
    {
        var expires = claim.Now + claim.LeaseDuration;
        return database.QueryAsync(
            "ReminderClaimDue",
            command =>
            {
                RelationalDatabase.Bind(command, "@silo", claim.SiloId);
                RelationalDatabase.Bind(command, "@now", database.ToDbTime(claim.Now));
                RelationalDatabase.Bind(command, "@expires", database.ToDbTime(expires));
                RelationalDatabase.Bind(command, "@limit", claim.Limit);
            },
            reader => new ReminderLease(
                new GrainId(reader.GetString(0), reader.GetString(1)),
                reader.GetString(2),
                database.ReadTime(reader, 4),
                Period(reader, 3),
                claim.SiloId,
                expires),
            cancellationToken);
    }

    public async Task<bool> ReminderCompleteAsync(ReminderLease lease, DateTimeOffset? nextDueAt, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync(nextDueAt is null ? "ReminderCompleteDelete" : "ReminderCompleteAdvance", command =>
        {
            BindName(command, lease.Grain, lease.Name);
            RelationalDatabase.Bind(command, "@holder", lease.Holder);
            RelationalDatabase.Bind(command, "@due", database.ToDbTime(lease.DueAt));
            if (nextDueAt is { } next)
            {
                RelationalDatabase.Bind(command, "@next_due_at", database.ToDbTime(next));
            }
        }, cancellationToken) == 1;

    public Task<int> ReminderReleaseLeasesAsync(IReadOnlyCollection<string> siloIds, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("ReminderReleaseLeases", command => RelationalDatabase.Bind(command, "@silos", database.ToDbIdList(siloIds)), cancellationToken);

    private static void BindName(DbCommand command, GrainId grain, string name)
    {
        RelationalDatabase.Bind(command, "@type", grain.Type);
        RelationalDatabase.Bind(command, "@key", grain.Key);
        RelationalDatabase.Bind(command, "@name", name);
    }

    private static TimeSpan? Period(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : TimeSpan.FromMilliseconds(reader.GetInt64(ordinal));
}
