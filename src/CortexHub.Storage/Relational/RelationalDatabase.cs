using System.Data.Common;
using System.Reflection;

namespace CortexHub.Storage.Relational;

/// <summary>
/// What the shared relational stores need from a SQL backend: connections, the backend's named
/// queries (<c>Queries/*.sql</c>, same names in every dialect), how it represents times and id lists,
/// and which of its errors mean "storage unreachable". All SQL text stays in the backend assembly.
/// </summary>
public abstract class RelationalDatabase
{
    private readonly IReadOnlyDictionary<string, string> _queries;
    private readonly SiloKillSwitch _killSwitch;

    protected RelationalDatabase(Assembly sqlAssembly, SiloKillSwitch killSwitch)
    {
        _queries = EmbeddedSql.LoadQueries(sqlAssembly);
        _killSwitch = killSwitch;
    }

    /// <summary>Where the data lives, for error messages (never includes a password).</summary>
    public abstract string Describe { get; }

    protected abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Admission to the database before a connection opens. A backend with a single writer (SQLite)
    /// queues callers here instead of letting them spin on busy locks; the default admits everyone.
    /// </summary>
    protected virtual ValueTask<IDisposable?> EnterAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IDisposable?>(null);

    /// <summary>True for errors that mean the store cannot be reached right now (as opposed to a bug in a query).</summary>
    protected abstract bool IsUnavailable(Exception exception);

    /// <summary>Called after a connection-level failure, e.g. to drop pooled connections that died with the server.</summary>
    protected virtual void OnUnavailable()
    {
    }

    /// <summary>A time as this dialect stores it.</summary>
    public abstract object ToDbTime(DateTimeOffset time);

    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    /// <summary>A list of ids as one parameter (an array, or JSON for SQLite's json_each).</summary>
    public abstract object ToDbIdList(IReadOnlyCollection<string> ids);

    /// <summary>Runs work on an open connection; unreachable-storage errors become <see cref="StorageUnavailableException"/>.</summary>
    public async Task<T> RunAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        _killSwitch.ThrowIfKilled();
        try
        {
            using var turn = await EnterAsync(cancellationToken);
            await using var connection = await OpenConnectionAsync(cancellationToken);
            StorageMetrics.Operations.Add(1);
            return await work(connection);
        }
        catch (Exception ex) when (ex is not StorageUnavailableException && IsUnavailable(ex))
        {
            OnUnavailable();
            StorageMetrics.Failures.Add(1);
            throw new StorageUnavailableException($"Storage {Describe} is unavailable: {ex.Message}", ex);
        }
    }

    /// <summary>A command for a named query of this backend.</summary>
    public DbCommand Command(DbConnection connection, string queryName)
    {
        var command = connection.CreateCommand();
        command.CommandText = QueryText(queryName);
        return command;
    }

    /// <summary>True when this backend defines the named query (for optional, dialect-specific fast paths).</summary>
    public bool HasQuery(string queryName) => _queries.ContainsKey(queryName);

    /// <summary>The SQL of a named query of this backend.</summary>
    public string QueryText(string queryName) =>
        _queries.TryGetValue(queryName, out var sql)
            ? sql
            : throw new InvalidOperationException($"Query '{queryName}' is not defined in {GetType().Name}'s Queries/*.sql.");

    public static DbCommand Bind(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }

    public Task<int> ExecuteAsync(string queryName, Action<DbCommand> bind, CancellationToken cancellationToken) =>
        RunAsync(async connection =>
        {
            await using var command = Command(connection, queryName);
            bind(command);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task<IReadOnlyList<T>> QueryAsync<T>(string queryName, Action<DbCommand> bind, Func<DbDataReader, T> map, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<T>>(async connection =>
        {
            await using var command = Command(connection, queryName);
            bind(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<T>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(map(reader));
            }

            return rows;
        }, cancellationToken);
}
