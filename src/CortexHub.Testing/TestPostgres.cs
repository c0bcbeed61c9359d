using Npgsql;

namespace CortexHub.Testing;

/// <summary>
/// The PostgreSQL server a test run shares: the one named by <c>CORTEXHUB_TEST_PG</c>, else a
/// throwaway <see cref="PostgresServer"/> started once per process. Each test takes its own
/// fresh schema from <see cref="NewSchemaAsync"/>, so tests never see each other's rows.
/// </summary>
public static class TestPostgres
{
    public const string EnvironmentVariable = "CORTEXHUB_TEST_PG";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _connectionString;
    private static PostgresServer? _server;

    public static async Task<string> GetConnectionStringAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_connectionString is not null)
            {
                return _connectionString;
            }

            var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(configured))
            {
                _connectionString = configured;
            }
            else
            {
                _server = await PostgresServer.StartAsync();
                AppDomain.CurrentDomain.ProcessExit += (_, _) => _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
                _connectionString = _server.ConnectionString;
            }

            return _connectionString;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>A new, empty schema name for one test (created by the silo's migrations on start).</summary>
    public static async Task<(string ConnectionString, string Schema)> NewSchemaAsync()
    {
        var connectionString = await GetConnectionStringAsync();
        var schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        return (connectionString, schema);
    }

    /// <summary>Runs raw SQL in a test's schema (to corrupt a row, inspect a table).</summary>
    public static async Task<object?> ExecuteScalarAsync(string connectionString, string schema, string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema, Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
