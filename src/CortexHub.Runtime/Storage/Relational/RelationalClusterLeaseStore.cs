using CortexHub.Runtime.Leases;

namespace CortexHub.Runtime.Storage.Relational;

public sealed class RelationalClusterLeaseStore(RelationalDatabase database) : IClusterLeaseStore
{
    public async Task<long?> LeaseAcquireAsync(string name, string holder, DateTimeOffset now, DateTimeOffset expires, CancellationToken cancellationToken = default)
    {
        var rows = await database.QueryAsync("LeaseAcquire", command =>
        {
            RelationalDatabase.Bind(command, "@name", name);
            RelationalDatabase.Bind(command, "@holder", holder);
            RelationalDatabase.Bind(command, "@now", database.ToDbTime(now));
            RelationalDatabase.Bind(command, "@expires", database.ToDbTime(expires));
        }, reader => reader.GetInt64(0), cancellationToken);
        return rows.Count == 1 ? rows[0] : null;
    }

    public Task LeaseReleaseAsync(string name, string holder, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("LeaseRelease", command =>
        {
            RelationalDatabase.Bind(command, "@name", name);
            RelationalDatabase.Bind(command, "@holder", holder);
        }, cancellationToken);

    public Task<int> LeaseReleaseHoldersAsync(IReadOnlyCollection<string> holders, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("LeaseReleaseHolders", command => RelationalDatabase.Bind(command, "@holders", database.ToDbIdList(holders)), cancellationToken);
}
