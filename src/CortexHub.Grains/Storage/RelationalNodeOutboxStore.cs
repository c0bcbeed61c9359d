using CortexHub.Storage.Relational;

namespace CortexHub.Grains.Storage;

public sealed class RelationalNodeOutboxStore(RelationalDatabase database) : INodeOutboxStore
{
    public Task NodeCommandEnqueueAsync(string nodeId, string commandId, byte[] payload, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("NodeCommandEnqueue", command =>
        {
            RelationalDatabase.Bind(command, "@node", nodeId);
            RelationalDatabase.Bind(command, "@command", commandId);
            RelationalDatabase.Bind(command, "@payload", payload);
            RelationalDatabase.Bind(command, "@now", database.ToDbTime(now));
        }, cancellationToken);

    public Task<IReadOnlyList<NodeCommand>> NodeCommandListPendingAsync(string nodeId, int limit, CancellationToken cancellationToken = default) =>
        database.QueryAsync("NodeCommandListPending", command =>
        {
            RelationalDatabase.Bind(command, "@node", nodeId);
            RelationalDatabase.Bind(command, "@limit", limit);
        }, reader => new NodeCommand(reader.GetString(0), (byte[])reader.GetValue(1)), cancellationToken);

    public async Task<bool> NodeCommandDeleteAsync(string nodeId, string commandId, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync("NodeCommandDelete", command =>
        {
            RelationalDatabase.Bind(command, "@node", nodeId);
            RelationalDatabase.Bind(command, "@command", commandId);
        }, cancellationToken) > 0;
}
