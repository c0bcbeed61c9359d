using CortexHub.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace CortexHub.Storage.Sqlite;

/// <summary>
/// Starts the embedded store: creates the data folder, takes an exclusive lock on
/// <c>{database}.lock</c> (so a second silo on the same files refuses to start), sets WAL and
/// applies pending migrations. The lock is an OS file lock, released when the process dies.
/// The folder and files are its owner's only (0700 and 0600): they hold every task's output and the
/// hashes of keys and tokens.
/// </summary>
public sealed partial class SqliteStorageBackend(SqliteDatabase database, ILogger<SqliteStorageBackend> logger) : IStorageBackend, IDisposable
{
    private FileStream? _lock;

    public string Name => "sqlite";

    private readonly StartOnce _start = new();

    /// <summary>Locks and migrates once; later calls (the Orleans silo's and the host's) return at once.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => _start.RunAsync(StartOnceAsync, cancellationToken);

    private async Task StartOnceAsync(CancellationToken cancellationToken)
    {
        var folder = System.IO.Path.GetDirectoryName(database.Path)!;
        try
        {
            CreateOwnerOnly(folder, database.Path);
            _lock ??= new FileStream(database.Path + ".lock", LockFileOptions());
        }
        catch (IOException ex)
        {
            throw new StorageUnavailableException(
                $"The SQLite store {database.Path} is in use by another silo (its lock file is held). SQLite serves one silo; use PostgreSQL to run several.", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new StorageUnavailableException($"The SQLite data folder {folder} is not writable: {ex.Message}", ex);
        }

        await database.RunAsync(async connection =>
        {
            await Execute((SqliteConnection)connection, "PRAGMA journal_mode = WAL;", cancellationToken);
            await MigrateAsync((SqliteConnection)connection, cancellationToken);
            await VerifyOrleansQueriesAsync((SqliteConnection)connection, cancellationToken);
            return true;
        }, cancellationToken);
    }

    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Creates the data folder as 0700 and the database file as 0600 before SQLite opens it (SQLite gives
    /// its -wal and -shm files the database file's mode), and tightens files an earlier version left readable
    /// to others. The folder is tightened only when this creates it: an existing one may be shared on purpose.
    /// </summary>
    private static void CreateOwnerOnly(string folder, string databasePath)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder); // ACLs, not modes: the folder inherits its parent's
            return;
        }

        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using (new FileStream(databasePath, new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.ReadWrite, UnixCreateMode = OwnerReadWrite }))
        {
        }

        foreach (var file in new[] { databasePath, databasePath + "-wal", databasePath + "-shm", databasePath + ".lock" })
        {
            if (File.Exists(file) && (File.GetUnixFileMode(file) & ~OwnerReadWrite) != 0)
            {
                File.SetUnixFileMode(file, OwnerReadWrite);
            }
        }
    }

    private static FileStreamOptions LockFileOptions()
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        return options;
    }

    public Task PingAsync(CancellationToken cancellationToken) =>
        database.RunAsync(async connection => await Execute((SqliteConnection)connection, "SELECT 1;", cancellationToken), cancellationToken);

    private async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await Execute(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);", cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var applied = new Dictionary<int, string>();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT version, name FROM schema_migrations;";
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied[reader.GetInt32(0)] = reader.GetString(1);
            }
        }

        var known = EmbeddedSql.LoadMigrations(typeof(SqliteStorageBackend).Assembly);
        EmbeddedSql.ThrowIfNewer(applied, known, database.Path);
        foreach (var migration in known.Where(m => !applied.ContainsKey(m.Version)))
        {
            await Execute(connection, migration.Sql, cancellationToken);
            await using var record = connection.CreateCommand();
            record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, CAST(strftime('%s', 'now') AS INTEGER) * 1000);";
            record.Parameters.AddWithValue("@v", migration.Version);
            record.Parameters.AddWithValue("@n", migration.Name);
            await record.ExecuteNonQueryAsync(cancellationToken);
            LogMigrationApplied(migration.Version, migration.Name);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The statements Orleans' ADO.NET providers load at start (grain state, reminders; one silo needs no membership table).</summary>
    public static readonly IReadOnlyList<string> OrleansQueryKeys =
    [
        "ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey",
        "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    private async Task VerifyOrleansQueriesAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var present = new List<string>();
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT QueryKey FROM OrleansQuery;";
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            present.Add(reader.GetString(0));
        }

        EmbeddedSql.ThrowIfMissingOrleansQueries(present, OrleansQueryKeys, database.Path);
    }

    private static async Task<int> Execute(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(2001, LogLevel.Information, "Applied SQLite migration {Version} ({Name})")]
    private partial void LogMigrationApplied(int version, string name);

    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }
}
