using CortexHub.Storage.Sqlite;
using CortexHub.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CortexHub.Benchmarks;

/// <summary>
/// A test store reached with no hub code in between, for the storage baselines: an Npgsql data
/// source on the store's schema, or SQLite connections to its file taken one writer at a time
/// (gated in-process, as the silo gates its own writes) with the silo's pragmas.
/// </summary>
internal sealed class RawDatabase(TestStorage storage) : IAsyncDisposable
{
    private readonly SemaphoreSlim _sqliteGate = new(1, 1);

    /// <summary>The PostgreSQL data source, or null for a SQLite store.</summary>
    public NpgsqlDataSource? Postgres { get; } = storage.Kind == StorageKind.Postgres
        ? new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(storage.ConnectionString) { SearchPath = storage.Schema, MaxPoolSize = 64 }.ConnectionString).Build()
        : null;

    /// <summary>Runs <paramref name="work"/> on a SQLite connection while holding the writer gate.</summary>
    public async Task<T> SqliteAsync<T>(Func<SqliteConnection, Task<T>> work)
    {
        await _sqliteGate.WaitAsync();
        try
        {
            await using var connection = new SqliteConnection($"Data Source={Path.Combine(storage.DataDirectory!, SqliteStorageOptions.DefaultFileName)};Pooling=True");
            await connection.OpenAsync();
            await using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA synchronous = NORMAL;";
                await pragma.ExecuteNonQueryAsync();
            }

            return await work(connection);
        }
        finally
        {
            _sqliteGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _sqliteGate.Dispose();
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }
    }
}
