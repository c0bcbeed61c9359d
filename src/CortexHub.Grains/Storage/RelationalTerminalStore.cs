using CortexHub.Grains.Nodes;
using CortexHub.Storage.Relational;

namespace CortexHub.Grains.Storage;

public sealed class RelationalTerminalStore(RelationalDatabase database) : ITerminalStore
{
    public Task TerminalPutAsync(string nodeId, int slot, long sequence, byte[] data, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("TerminalPut", command =>
        {
            RelationalDatabase.Bind(command, "@node", nodeId);
            RelationalDatabase.Bind(command, "@slot", slot);
            RelationalDatabase.Bind(command, "@sequence", sequence);
            RelationalDatabase.Bind(command, "@data", data);
            RelationalDatabase.Bind(command, "@now", database.ToDbTime(now));
        }, cancellationToken);

    public Task<IReadOnlyList<TerminalChunk>> TerminalListAsync(string nodeId, long afterSequence, CancellationToken cancellationToken = default) =>
        database.QueryAsync("TerminalList", command =>
        {
            RelationalDatabase.Bind(command, "@node", nodeId);
            RelationalDatabase.Bind(command, "@after", afterSequence);
        }, reader => new TerminalChunk(reader.GetInt64(0), database.ReadTime(reader, 1), (byte[])reader.GetValue(2)), cancellationToken);
}
