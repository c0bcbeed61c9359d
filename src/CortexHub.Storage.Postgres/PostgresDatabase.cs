using System.Data.Common;
using System.Net.Sockets;
using CortexHub.Storage.Relational;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CortexHub.Storage.Postgres;

/// <summary>
/// The PostgreSQL dialect: one pooled <see cref="NpgsqlDataSource"/> per silo with the schema on
/// the search path, times as timestamptz, id lists as text[]. Connection-level failures (refused,
/// reset, server shutting down) mean "unavailable"; Npgsql reconnects on the next open.
/// </summary>
public sealed class PostgresDatabase : RelationalDatabase, IAsyncDisposable
{
    public PostgresDatabase(IOptions<PostgresStorageOptions> options, SiloKillSwitch killSwitch)
        : base(typeof(PostgresDatabase).Assembly, killSwitch)
    {
        var settings = options.Value;
        Schema = settings.Schema;
        var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString)
        {
            SearchPath = settings.Schema,
            MaxPoolSize = settings.MaxPoolSize,
        };
        if (builder.MaxAutoPrepare == 0)
        {
            // Statements run twice are prepared on each connection: Orleans' and ours repeat a few
            // dozen statements, and a prepared one skips parsing and planning on every run.
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        Describe = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database ?? builder.Username} schema {settings.Schema}";
        DataSource = NpgsqlDataSource.Create(builder);
        builder.Pooling = false;
        ListenerConnectionString = builder.ConnectionString;
    }

    public string Schema { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>A non-pooled connection string for the LISTEN connection, which must not return to the pool.</summary>
    public string ListenerConnectionString { get; }

    public override string Describe { get; }

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await DataSource.OpenConnectionAsync(cancellationToken);

    protected override bool IsUnavailable(Exception exception) => IsConnectionFailure(exception);

    // After a server restart every idle pooled connection is dead; without this each would fail
    // one more caller before the pool noticed.
    protected override void OnUnavailable() => DataSource.Clear();

    public static bool IsConnectionFailure(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03" or "53300",
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException,
        SocketException or TimeoutException => true,
        _ => false,
    };

    public override object ToDbTime(DateTimeOffset time) => time.ToUniversalTime();

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public override object ToDbIdList(IReadOnlyCollection<string> ids) => ids.ToArray();

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
