using System.Data.Common;
using CortexHub.Grains.Tasks;
using CortexHub.Runtime.Storage.Relational;

namespace CortexHub.Grains.Storage;

/// <summary>
/// Task events on any <see cref="RelationalDatabase"/>. Appends are group-committed across tasks
/// (<see cref="GroupCommitQueue{T}"/>); where the provider supports <see cref="DbBatch"/> (Npgsql)
/// a transaction's inserts also travel in one round trip.
/// </summary>
public sealed class RelationalTaskEventStore : ITaskEventStore, IAsyncDisposable
{
    private readonly RelationalDatabase _database;
    private readonly GroupCommitQueue<PendingAppend> _groupCommit;

    public RelationalTaskEventStore(RelationalDatabase database)
    {
        _database = database;
        _groupCommit = new GroupCommitQueue<PendingAppend>(WriteAsync);
    }

    public Task TaskEventsAppendAsync(string taskId, IReadOnlyList<TaskEventRecord> events, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _groupCommit.CommitAsync(new PendingAppend(taskId, events, now), cancellationToken);

    /// <summary>One transaction for every pending append (one round trip with <see cref="DbBatch"/>).</summary>
    private Task WriteAsync(IReadOnlyList<PendingAppend> appends) =>
        _database.RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync();
            if (connection.CanCreateBatch)
            {
                await using var batch = connection.CreateBatch();
                batch.Transaction = transaction;
                foreach (var append in appends)
                {
                    var time = _database.ToDbTime(append.Now);
                    foreach (var e in append.Events)
                    {
                        var command = batch.CreateBatchCommand();
                        command.CommandText = _database.QueryText("TaskEventInsert");
                        BindEvent(command.Parameters, command.CreateParameter, append.TaskId, e, time);
                        batch.BatchCommands.Add(command);
                    }
                }

                await batch.ExecuteNonQueryAsync();
            }
            else
            {
                await using var command = _database.Command(connection, "TaskEventInsert");
                command.Transaction = transaction;
                foreach (var append in appends)
                {
                    var time = _database.ToDbTime(append.Now);
                    foreach (var e in append.Events)
                    {
                        command.Parameters.Clear();
                        BindEvent(command.Parameters, command.CreateParameter, append.TaskId, e, time);
                        await command.ExecuteNonQueryAsync();
                    }
                }
            }

            await transaction.CommitAsync();
            return appends.Count;
        }, CancellationToken.None);

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

    private static void BindEvent(DbParameterCollection parameters, Func<DbParameter> create, string taskId, TaskEventRecord e, object time)
    {
        Add(parameters, create, "@task", taskId);
        Add(parameters, create, "@sequence", e.Sequence);
        Add(parameters, create, "@kind", (int)e.Kind);
        Add(parameters, create, "@stream", (int)e.Stream);
        Add(parameters, create, "@data", e.Data);
        Add(parameters, create, "@now", time);
    }

    public ValueTask DisposeAsync() => _groupCommit.DisposeAsync();

    private static void Add(DbParameterCollection parameters, Func<DbParameter> create, string name, object value)
    {
        var parameter = create();
        parameter.ParameterName = name;
        parameter.Value = value;
        parameters.Add(parameter);
    }
}
