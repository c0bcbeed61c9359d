using System.Data.Common;
using System.Text.Json;
using CortexHub.Runtime.Hosting;
using CortexHub.Runtime.Storage.Relational;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace CortexHub.Storage.Sqlite;

/// <summary>
/// The SQLite dialect: pooled connections to one file in WAL mode, times as Unix milliseconds,
/// id lists as JSON for <c>json_each</c>. Busy/locked/I/O errors mean "unavailable".
/// </summary>
public sealed class SqliteDatabase : RelationalDatabase
{
    static SqliteDatabase() => SQLitePCL.Batteries_V2.Init();

    public SqliteDatabase(IOptions<SqliteStorageOptions> options, SiloKillSwitch killSwitch)
        : base(typeof(SqliteDatabase).Assembly, killSwitch)
    {
        Path = options.Value.DatabasePath;
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(options.Value.BusyTimeout.TotalSeconds),
        }.ToString();
    }

    public string Path { get; }

    public string ConnectionString { get; }

    public override string Describe => $"SQLite {Path}";

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected override bool IsUnavailable(Exception exception) =>
        exception is SqliteException
        {
            SqliteErrorCode: SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED or SQLitePCL.raw.SQLITE_CANTOPEN
                or SQLitePCL.raw.SQLITE_IOERR or SQLitePCL.raw.SQLITE_FULL or SQLitePCL.raw.SQLITE_READONLY
        };

    public override object ToDbTime(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    public override object ToDbIdList(IReadOnlyCollection<string> ids) => JsonSerializer.Serialize(ids);
}
