using CortexHub.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CortexHub.Storage.Postgres;

/// <summary>
/// Starts cluster storage: checks the server answers, creates the schema and applies pending
/// migrations in one transaction under an advisory lock (silos starting together migrate once),
/// then starts the LISTEN connection.
/// </summary>
public sealed partial class PostgresStorageBackend(PostgresDatabase database, PostgresClusterNotifier notifier, ILogger<PostgresStorageBackend> logger) : IStorageBackend
{
    public string Name => "postgres";

    private readonly StartOnce _start = new();

    /// <summary>Migrates and starts listening once; later calls (the Orleans silo's and the host's) return at once.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => _start.RunAsync(StartOnceAsync, cancellationToken);

    private async Task StartOnceAsync(CancellationToken cancellationToken)
    {
        await database.RunAsync(async connection =>
        {
            await MigrateAsync((NpgsqlConnection)connection, cancellationToken);
            await VerifyOrleansQueriesAsync((NpgsqlConnection)connection, cancellationToken);
            return true;
        }, cancellationToken);
        notifier.Start();
    }

    public Task PingAsync(CancellationToken cancellationToken) =>
        database.RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand("SELECT 1", (NpgsqlConnection)connection);
            return await command.ExecuteScalarAsync(cancellationToken);
        }, cancellationToken);

    private async Task MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, $"SELECT pg_advisory_xact_lock(hashtext('cortexhub.migrate.{database.Schema}'))", cancellationToken);
        await Execute(connection, $"CREATE SCHEMA IF NOT EXISTS \"{database.Schema}\"", cancellationToken);
        await Execute(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())", cancellationToken);
        var applied = new Dictionary<int, string>();
        await using (var read = new NpgsqlCommand("SELECT version, name FROM schema_migrations", connection))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied[reader.GetInt32(0)] = reader.GetString(1);
            }
        }

        var known = EmbeddedSql.LoadMigrations(typeof(PostgresStorageBackend).Assembly);
        EmbeddedSql.ThrowIfNewer(applied, known, $"Schema {database.Schema}");
        foreach (var migration in known.Where(m => !applied.ContainsKey(m.Version)))
        {
            await Execute(connection, migration.Sql, cancellationToken);
            await using var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name) VALUES (@v, @n)", connection);
            record.Parameters.AddWithValue("v", migration.Version);
            record.Parameters.AddWithValue("n", migration.Name);
            await record.ExecuteNonQueryAsync(cancellationToken);
            LogMigrationApplied(migration.Version, migration.Name, database.Schema);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The statements Orleans' ADO.NET providers load at start (clustering, grain state, reminders).
    /// Checked here because a missing one otherwise surfaces later as an unrelated-looking failure.
    /// </summary>
    public static readonly IReadOnlyList<string> OrleansQueryKeys =
    [
        "ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey",
        "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey",
        "MembershipReadRowKey", "MembershipReadAllKey", "GatewaysQueryKey", "DeleteMembershipTableEntriesKey", "CleanupDefunctSiloEntriesKey",
        "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    private async Task VerifyOrleansQueriesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var present = new List<string>();
        await using var read = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery", connection);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            present.Add(reader.GetString(0));
        }

        EmbeddedSql.ThrowIfMissingOrleansQueries(present, OrleansQueryKeys, $"Schema {database.Schema}");
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(3001, LogLevel.Information, "Applied PostgreSQL migration {Version} ({Name}) in schema {Schema}")]
    private partial void LogMigrationApplied(int version, string name, string schema);
}
