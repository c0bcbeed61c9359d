using CortexHub.Storage.Sqlite;
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
public sealed class RawInsertBaseline : IAsyncDisposable
{
    private readonly TestStorage _storage;
    private readonly NpgsqlDataSource? _postgres;
    private readonly SemaphoreSlim _sqliteGate = new(1, 1);
    private readonly byte[] _payload;

    private RawInsertBaseline(TestStorage storage, int payloadBytes)
    {
        _storage = storage;
        _payload = new byte[payloadBytes];
        Random.Shared.NextBytes(_payload);
        if (storage.Kind == StorageKind.Postgres)
        {
            _postgres = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(storage.ConnectionString) { SearchPath = storage.Schema, MaxPoolSize = 64 }.ConnectionString).Build();
        }
    }

    /// <summary>Rows per second with <paramref name="writers"/> writers inserting <paramref name="batch"/> rows per transaction.</summary>
    public static async Task<Measurement> RunAsync(TestStorage storage, TimeSpan duration, int payloadBytes, int writers, int batch)
    {
        await using var baseline = new RawInsertBaseline(storage, payloadBytes);
        await storage.ExecuteScalarAsync(storage.Kind == StorageKind.Postgres
            ? "CREATE TABLE raw_events (task_id text NOT NULL, sequence bigint NOT NULL, kind smallint NOT NULL, stream smallint NOT NULL, data bytea NOT NULL, created_at timestamptz NOT NULL, PRIMARY KEY (task_id, sequence));"
            : "CREATE TABLE raw_events (task_id TEXT NOT NULL, sequence INTEGER NOT NULL, kind INTEGER NOT NULL, stream INTEGER NOT NULL, data BLOB NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (task_id, sequence)) WITHOUT ROWID;");
        var backend = storage.Kind.ToString().ToLowerInvariant();
        var sequences = new long[writers];
        var transactions = await Measurement.RunAsync($"raw batched INSERT ({backend}), {payloadBytes} B rows, {batch} per transaction, {writers} writers", backend, writers, duration,
            (worker, _) =>
            {
                var first = sequences[worker];
                sequences[worker] += batch;
                return baseline.InsertAsync($"raw-{worker}", first, batch);
            }, warmUp: 5);

        // Operations counted transactions; the figure is rows, like the ingest's events.
        return transactions with { Operations = transactions.Operations * batch };
    }

    private async Task InsertAsync(string taskId, long firstSequence, int count)
    {
        if (_postgres is not null)
        {
            await using var command = _postgres.CreateCommand("""
                INSERT INTO raw_events (task_id, sequence, kind, stream, data, created_at)
                SELECT $1, s, 2, 1, d, now() FROM unnest($2::bigint[], $3::bytea[]) AS r(s, d)
                ON CONFLICT (task_id, sequence) DO NOTHING
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = taskId });
            command.Parameters.Add(new NpgsqlParameter { Value = Enumerable.Range(0, count).Select(i => firstSequence + i).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            command.Parameters.Add(new NpgsqlParameter { Value = Enumerable.Repeat(_payload, count).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
            await command.ExecuteNonQueryAsync();
            return;
        }

        await _sqliteGate.WaitAsync();
        try
        {
            await using var connection = new SqliteConnection($"Data Source={Path.Combine(_storage.DataDirectory!, SqliteStorageOptions.DefaultFileName)};Pooling=True");
            await connection.OpenAsync();
            await using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA synchronous = NORMAL;";
                await pragma.ExecuteNonQueryAsync();
            }

            await using var transaction = await connection.BeginTransactionAsync();
            await using var command = connection.CreateCommand();
            command.Transaction = (SqliteTransaction)transaction;
            command.CommandText = "INSERT INTO raw_events (task_id, sequence, kind, stream, data, created_at) VALUES ($task, $sequence, 2, 1, $data, $now) ON CONFLICT DO NOTHING";
            var sequence = new SqliteParameter("$sequence", 0L);
            command.Parameters.Add(new SqliteParameter("$task", taskId));
            command.Parameters.Add(sequence);
            command.Parameters.Add(new SqliteParameter("$data", _payload));
            command.Parameters.Add(new SqliteParameter("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            for (var i = 0; i < count; i++)
            {
                sequence.Value = firstSequence + i;
                await command.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }
        finally
        {
            _sqliteGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _sqliteGate.Dispose();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
