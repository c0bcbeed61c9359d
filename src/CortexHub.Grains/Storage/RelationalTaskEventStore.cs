using System.Data.Common;
using CortexHub.Grains.Tasks;
using CortexHub.Runtime.Storage.Relational;

namespace CortexHub.Grains.Storage;

/// <summary>
/// Task events on any <see cref="RelationalDatabase"/>. A batch is one transaction; where the
/// provider supports <see cref="DbBatch"/> (Npgsql) its inserts also travel in one round trip.
/// </summary>
public sealed class RelationalTaskEventStore(RelationalDatabase database) : ITaskEventStore
{
    public Task TaskEventsAppendAsync(string taskId, IReadOnlyList<TaskEventRecord> events, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var time = database.ToDbTime(now);
            if (connection.CanCreateBatch)
            {
                await using var batch = connection.CreateBatch();
                batch.Transaction = transaction;
                foreach (var e in events)
                {
                    var command = batch.CreateBatchCommand();
                    command.CommandText = database.QueryText("TaskEventInsert");
                    BindEvent(command.Parameters, command.CreateParameter, taskId, e, time);
                    batch.BatchCommands.Add(command);
                }

                await batch.ExecuteNonQueryAsync(cancellationToken);
            }
            else
            {
                await using var command = database.Command(connection, "TaskEventInsert");
                command.Transaction = transaction;
                foreach (var e in events)
                {
                    command.Parameters.Clear();
                    BindEvent(command.Parameters, command.CreateParameter, taskId, e, time);
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }
            }

            await transaction.CommitAsync(cancellationToken);
            return events.Count;
        }, cancellationToken);

    public Task TaskEventsDeleteAsync(string taskId, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("TaskEventsDelete", command => RelationalDatabase.Bind(command, "@task", taskId), cancellationToken);

    public async Task<long> TaskEventsLastSequenceAsync(string taskId, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync("TaskEventsLastSequence", command => RelationalDatabase.Bind(command, "@task", taskId), reader => reader.GetInt64(0), cancellationToken))[0];

    public Task<IReadOnlyList<TaskEventRecord>> TaskEventsReadAsync(string taskId, long afterSequence, int limit, CancellationToken cancellationToken = default) =>
        database.QueryAsync("TaskEventsRead", command =>
        {
            RelationalDatabase.Bind(command, "@task", taskId);
            RelationalDatabase.Bind(command, "@after", afterSequence);
            RelationalDatabase.Bind(command, "@limit", limit);
        }, reader => new TaskEventRecord(
            reader.GetInt64(0),
            (TaskEventKind)reader.GetInt32(1),
            (OutputStreamKind)reader.GetInt32(2),
            (byte[])reader.GetValue(3),
            database.ReadTime(reader, 4)), cancellationToken);

    private static void BindEvent(DbParameterCollection parameters, Func<DbParameter> create, string taskId, TaskEventRecord e, object time)
    {
        Add(parameters, create, "@task", taskId);
        Add(parameters, create, "@sequence", e.Sequence);
        Add(parameters, create, "@kind", (int)e.Kind);
        Add(parameters, create, "@stream", (int)e.Stream);
        Add(parameters, create, "@data", e.Data);
        Add(parameters, create, "@now", time);
    }

    private static void Add(DbParameterCollection parameters, Func<DbParameter> create, string name, object value)
    {
        var parameter = create();
        parameter.ParameterName = name;
        parameter.Value = value;
        parameters.Add(parameter);
    }
}
