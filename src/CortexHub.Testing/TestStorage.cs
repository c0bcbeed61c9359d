using CortexHub.Storage.Sqlite;

namespace CortexHub.Testing;

/// <summary>One test's own store: a fresh temp folder (SQLite) or a fresh schema (PostgreSQL).</summary>
public sealed class TestStorage : IDisposable
{
    private TestStorage(StorageKind kind, string? dataDirectory, string? connectionString, string? schema)
    {
        Kind = kind;
        DataDirectory = dataDirectory;
        ConnectionString = connectionString;
        Schema = schema;
    }

    private bool _borrowed;

    public StorageKind Kind { get; }

    public string? DataDirectory { get; }

    public string? ConnectionString { get; }

    public string? Schema { get; }

    public static async Task<TestStorage> CreateAsync(StorageKind kind)
    {
        if (kind == StorageKind.Sqlite)
        {
            var folder = Path.Combine(Path.GetTempPath(), "cortexhub-test-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(folder);
            return new TestStorage(kind, folder, null, null);
        }

        var (connectionString, schema) = await TestPostgres.NewSchemaAsync();
        return new TestStorage(kind, null, connectionString, schema);
    }

    /// <summary>The same store without owning it: disposing the copy leaves the data in place (for a second cluster or process on it).</summary>
    public TestStorage Borrow() => new(Kind, DataDirectory, ConnectionString, Schema) { _borrowed = true };

    /// <summary>A store on a given PostgreSQL server and schema (for tests that run their own server).</summary>
    public static TestStorage ForPostgres(string connectionString, string schema) => new(StorageKind.Postgres, null, connectionString, schema);

    /// <summary>The silo configuration that selects this store.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Configuration() => Kind == StorageKind.Sqlite
        ?
        [
            new("CortexHub:Storage:Provider", "sqlite"),
            new("CortexHub:Storage:Sqlite:DataDirectory", DataDirectory),
        ]
        :
        [
            new("CortexHub:Storage:Provider", "postgres"),
            new("CortexHub:Storage:Postgres:ConnectionString", ConnectionString),
            new("CortexHub:Storage:Postgres:Schema", Schema),
        ];

    /// <summary>Raw SQL against this store, for tests that corrupt or inspect rows.</summary>
    public async Task<object?> ExecuteScalarAsync(string sql)
    {
        if (Kind == StorageKind.Postgres)
        {
            return await TestPostgres.ExecuteScalarAsync(ConnectionString!, Schema!, sql);
        }

        SQLitePCL.Batteries_V2.Init();
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(DataDirectory!, SqliteStorageOptions.DefaultFileName)};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    public void Dispose()
    {
        if (!_borrowed && DataDirectory is not null && Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
