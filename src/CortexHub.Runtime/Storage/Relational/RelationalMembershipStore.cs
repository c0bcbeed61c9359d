namespace CortexHub.Runtime.Storage.Relational;

/// <summary>The cluster table on any <see cref="RelationalDatabase"/>.</summary>
public sealed class RelationalMembershipStore(RelationalDatabase database) : IMembershipStore
{
    public Task SiloRegisterAsync(SiloRecord silo, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("SiloRegister", command =>
        {
            RelationalDatabase.Bind(command, "@silo", silo.SiloId);
            RelationalDatabase.Bind(command, "@address", silo.Address);
            RelationalDatabase.Bind(command, "@started_at", database.ToDbTime(silo.StartedAt));
            RelationalDatabase.Bind(command, "@now", database.ToDbTime(silo.HeartbeatAt));
        }, cancellationToken);

    public async Task<bool> SiloHeartbeatAsync(string siloId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync("SiloHeartbeat", command =>
        {
            RelationalDatabase.Bind(command, "@silo", siloId);
            RelationalDatabase.Bind(command, "@now", database.ToDbTime(now));
        }, cancellationToken) == 1;

    public Task<IReadOnlyList<string>> SiloMarkDeadAsync(DateTimeOffset deadline, string exceptSiloId, CancellationToken cancellationToken = default) =>
        database.QueryAsync("SiloMarkDead", command =>
        {
            RelationalDatabase.Bind(command, "@deadline", database.ToDbTime(deadline));
            RelationalDatabase.Bind(command, "@silo", exceptSiloId);
        }, reader => reader.GetString(0), cancellationToken);

    public Task<IReadOnlyList<string>> SiloMarkOthersDeadAsync(string siloId, CancellationToken cancellationToken = default) =>
        database.QueryAsync("SiloMarkOthersDead", command => RelationalDatabase.Bind(command, "@silo", siloId), reader => reader.GetString(0), cancellationToken);

    public Task SiloLeaveAsync(string siloId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("SiloLeave", command =>
        {
            RelationalDatabase.Bind(command, "@silo", siloId);
            RelationalDatabase.Bind(command, "@now", database.ToDbTime(now));
        }, cancellationToken);

    public Task<IReadOnlyList<SiloRecord>> SiloListAsync(CancellationToken cancellationToken = default) =>
        database.QueryAsync("SiloList", _ => { }, reader => new SiloRecord(
            reader.GetString(0),
            reader.GetString(1),
            database.ReadTime(reader, 2),
            database.ReadTime(reader, 3),
            Enum.Parse<SiloStatus>(reader.GetString(4), ignoreCase: true)), cancellationToken);
}
