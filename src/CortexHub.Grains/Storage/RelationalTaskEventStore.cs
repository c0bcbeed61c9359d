using System.Data.Common;
using CortexHub.Grains.Tasks;
using CortexHub.Storage.Relational;

namespace CortexHub.Grains.Storage;

/// <summary>
/// Task events on any <see cref="RelationalDatabase"/>. Appends are group-committed across tasks
/// (<see cref="GroupCommitQueue{T}"/>): one transaction per batch, written as one statement of
/// parallel arrays where the backend defines <c>TaskEventInsertMany</c> (PostgreSQL), otherwise
/// as one prepared INSERT repeated (SQLite, where that is the fast way).
/// </summary>
public sealed class RelationalTaskEventStore : ITaskEventStore, IAsyncDisposable
{
    private readonly RelationalDatabase _database;
    private readonly GroupCommitQueue<PendingAppend> _groupCommit;
    private readonly bool _insertMany;

    public RelationalTaskEventStore(RelationalDatabase database)
    {
        _database = database;
        _insertMany = database.HasQuery("TaskEventInsertMany");
        _groupCommit = new GroupCommitQueue<PendingAppend>(WriteAsync);
    }

    public Task TaskEventsAppendAsync(string taskId, IReadOnlyList<TaskEventRecord> events, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _groupCommit.CommitAsync(new PendingAppend(taskId, events, now), cancellationToken);

    private Task WriteAsync(IReadOnlyList<PendingAppend> appends) =>
        _database.RunAsync(async connection =>
        {
            if (_insertMany)
            {
                await InsertManyAsync(connection, appends);
                return appends.Count;
            }

            await using var transaction = await connection.BeginTransactionAsync();
            await using var command = _database.Command(connection, "TaskEventInsert");
            command.Transaction = transaction;

            // One prepared statement and one set of parameters for every row: only the values change.
            var (task, sequence, kind, stream, data, now) = (Parameter(command, "@task"), Parameter(command, "@sequence"), Parameter(command, "@kind"),
                Parameter(command, "@stream"), Parameter(command, "@data"), Parameter(command, "@now"));
            foreach (var append in appends)
            {
                (task.Value, now.Value) = (append.TaskId, _database.ToDbTime(append.Now));
                foreach (var e in append.Events)
                {
                    (sequence.Value, kind.Value, stream.Value, data.Value) = (e.Sequence, (int)e.Kind, (int)e.Stream, e.Data);
                    await command.ExecuteNonQueryAsync();
                }
            }

            await transaction.CommitAsync();
            return appends.Count;
        }, CancellationToken.None);

    /// <summary>Every event of the batch in one statement (one implicit transaction, one round trip).</summary>
    private async Task InsertManyAsync(DbConnection connection, IReadOnlyList<PendingAppend> appends)
    {
        var count = appends.Sum(a => a.Events.Count);
        var tasks = new string[count];
        var sequences = new long[count];
        var kinds = new int[count];
        var streams = new int[count];
        var data = new byte[count][];
        var times = new DateTimeOffset[count]; // an array parameter takes the provider's own type (timestamptz: UTC)
        var i = 0;
        foreach (var append in appends)
        {
            var time = append.Now.ToUniversalTime();
            foreach (var e in append.Events)
            {
                (tasks[i], sequences[i], kinds[i], streams[i], data[i], times[i]) = (append.TaskId, e.Sequence, (int)e.Kind, (int)e.Stream, e.Data, time);
                i++;
            }
        }

        await using var command = _database.Command(connection, "TaskEventInsertMany");
        RelationalDatabase.Bind(command, "@tasks", tasks);
        RelationalDatabase.Bind(command, "@sequences", sequences);
        RelationalDatabase.Bind(command, "@kinds", kinds);
        RelationalDatabase.Bind(command, "@streams", streams);
        RelationalDatabase.Bind(command, "@data", data);
        RelationalDatabase.Bind(command, "@times", times);
        await command.ExecuteNonQueryAsync();
    }

    public Task TaskEventsDeleteAsync(string taskId, CancellationToken cancellationToken = default) =>
        _database.ExecuteAsync("TaskEventsDelete", command => RelationalDatabase.Bind(command, "@task", taskId), cancellationToken);

    public async Task<long> TaskEventsLastSequenceAsync(string taskId, CancellationToken cancellationToken = default) =>
        (await _database.QueryAsync("TaskEventsLastSequence", command => RelationalDatabase.Bind(command, "@task", taskId), reader => reader.GetInt64(0), cancellationToken))[0];

    public Task<IReadOnlyList<TaskEventRecord>> TaskEventsReadAsync(string taskId, long afterSequence, int limit, CancellationToken cancellationToken = default) =>
        _database.QueryAsync("TaskEventsRead", command =>
        {
            RelationalDatabase.Bind(command, "@task", taskId);
            RelationalDatabase.Bind(command, "@after", afterSequence);
            RelationalDatabase.Bind(command, "@limit", limit);
        }, reader => new TaskEventRecord(
            reader.GetInt64(0),
            (TaskEventKind)reader.GetInt32(1),
            (OutputStreamKind)reader.GetInt32(2),
            (byte[])reader.GetValue(3),
            _database.ReadTime(reader, 4)), cancellationToken);

    public ValueTask DisposeAsync() => _groupCommit.DisposeAsync();

    private static DbParameter Parameter(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
