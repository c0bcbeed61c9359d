using CortexHub.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace CortexHub.Benchmarks.Gateway;

/// <summary>
/// The storage limit for ingest: rows shaped like the journal's (task, sequence, kind, stream,
/// bytes, time; same primary key) written by concurrent writers, a batch per transaction, straight
/// through the provider with no hub code. On PostgreSQL a batch is one multi-row INSERT (arrays
/// unnested); on SQLite a prepared INSERT repeated inside the transaction, one writer at a time
/// (gated in-process, as the silo gates its own writes).
/// </summary>
public static class RawInsertBaseline
{
    /// <summary>Rows per second with <paramref name="writers"/> writers inserting <paramref name="batch"/> rows per transaction.</summary>
    public static async Task<Measurement> RunAsync(TestStorage storage, TimeSpan duration, int payloadBytes, int writers, int batch)
    {
        await using var database = new RawDatabase(storage);
        var payload = new byte[payloadBytes];
        Random.Shared.NextBytes(payload);
        await storage.ExecuteScalarAsync(storage.Kind == StorageKind.Postgres
            ? "CREATE TABLE raw_events (task_id text NOT NULL, sequence bigint NOT NULL, kind smallint NOT NULL, stream smallint NOT NULL, data bytea NOT NULL, created_at timestamptz NOT NULL, PRIMARY KEY (task_id, sequence));"
            : "CREATE TABLE raw_events (task_id TEXT NOT NULL, sequence INTEGER NOT NULL, kind INTEGER NOT NULL, stream INTEGER NOT NULL, data BLOB NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (task_id, sequence)) WITHOUT ROWID;");
        var backend = storage.Kind.ToString().ToLowerInvariant();
        var sequences = new long[writers];
        var cpu = new CpuMeter(); // counts the warm-up too: a few transactions per writer
        var transactions = await Measurement.RunAsync($"raw batched INSERT ({backend}), {payloadBytes} B rows, {batch} per transaction, {writers} writers", backend, writers, duration,
            (worker, _) =>
            {
                var first = sequences[worker];
                sequences[worker] += batch;
                return InsertAsync(database, $"raw-{worker}", first, batch, payload);
            }, warmUp: 5);

        // Operations counted transactions; the figure is rows, like the ingest's events.
        return transactions with { Operations = transactions.Operations * batch, Extra = cpu.PerOperation(transactions.Operations * batch) };
    }

    private static async Task InsertAsync(RawDatabase database, string taskId, long firstSequence, int count, byte[] payload)
    {
        if (database.Postgres is { } postgres)
        {
            await using var command = postgres.CreateCommand("""
                INSERT INTO raw_events (task_id, sequence, kind, stream, data, created_at)
                SELECT $1, s, 2, 1, d, now() FROM unnest($2::bigint[], $3::bytea[]) AS r(s, d)
                ON CONFLICT (task_id, sequence) DO NOTHING
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = taskId });
            command.Parameters.Add(new NpgsqlParameter { Value = Enumerable.Range(0, count).Select(i => firstSequence + i).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            command.Parameters.Add(new NpgsqlParameter { Value = Enumerable.Repeat(payload, count).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
            await command.ExecuteNonQueryAsync();
            return;
        }

        await database.SqliteAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using var command = connection.CreateCommand();
            command.Transaction = (SqliteTransaction)transaction;
            command.CommandText = "INSERT INTO raw_events (task_id, sequence, kind, stream, data, created_at) VALUES ($task, $sequence, 2, 1, $data, $now) ON CONFLICT DO NOTHING";
            var sequence = new SqliteParameter("$sequence", 0L);
            command.Parameters.Add(new SqliteParameter("$task", taskId));
            command.Parameters.Add(sequence);
            command.Parameters.Add(new SqliteParameter("$data", payload));
            command.Parameters.Add(new SqliteParameter("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            for (var i = 0; i < count; i++)
            {
                sequence.Value = firstSequence + i;
                await command.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
            return count;
        });
    }
}
