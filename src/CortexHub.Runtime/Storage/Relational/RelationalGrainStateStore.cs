namespace CortexHub.Runtime.Storage.Relational;

/// <summary>Grain state on any <see cref="RelationalDatabase"/>: conditional insert/update naming the expected version.</summary>
public sealed class RelationalGrainStateStore(RelationalDatabase database) : IGrainStateStore
{
    public async Task<GrainStateRecord> GrainStateReadAsync(GrainId grain, CancellationToken cancellationToken = default)
    {
        var rows = await database.QueryAsync(
            "GrainStateRead",
            command => BindGrain(command, grain),
            reader => new GrainStateRecord(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1)),
            cancellationToken);
        return rows.Count == 0 ? GrainStateRecord.Empty : rows[0];
    }

    public Task<long> GrainStateWriteAsync(GrainId grain, string payload, long expectedVersion, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        WriteAsync(grain, payload, expectedVersion, now, cancellationToken);

    public Task<long> GrainStateClearAsync(GrainId grain, long expectedVersion, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        WriteAsync(grain, null, expectedVersion, now, cancellationToken);

    private Task<long> WriteAsync(GrainId grain, string? payload, long expectedVersion, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.RunAsync(async connection =>
        {
            await using var command = database.Command(connection, expectedVersion == 0 ? "GrainStateInsert" : "GrainStateUpdate");
            BindGrain(command, grain);
            RelationalDatabase.Bind(command, "@payload", payload);
            RelationalDatabase.Bind(command, "@now", database.ToDbTime(now));
            if (expectedVersion != 0)
            {
                RelationalDatabase.Bind(command, "@expected", expectedVersion);
            }

            if (await command.ExecuteScalarAsync(cancellationToken) is long version)
            {
                return version;
            }

            // Nothing matched: someone else wrote first. Name the version we lost to.
            await using var actual = BindGrain(database.Command(connection, "GrainStateVersion"), grain);
            var found = await actual.ExecuteScalarAsync(cancellationToken) is long v ? v : 0;
            throw new GrainVersionConflictException(grain.Type, grain.Key, expectedVersion, found);
        }, cancellationToken);

    private static System.Data.Common.DbCommand BindGrain(System.Data.Common.DbCommand command, GrainId grain)
    {
        RelationalDatabase.Bind(command, "@type", grain.Type);
        return RelationalDatabase.Bind(command, "@key", grain.Key);
    }
}
