using System.Collections.Concurrent;
using System.Text.Json;
using CortexHub.Storage.Relational;

namespace CortexHub.Grains.Storage;

/// <summary>
/// Reads a grain's state as the home-made runtime stored it (JSON in <c>grain_state</c>), so a grain
/// that moved to Orleans takes over what an earlier CortexHub saved: on its first activation with no
/// Orleans state it imports the old row once and writes it in Orleans' format.
/// </summary>
public sealed class LegacyGrainState(RelationalDatabase database)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Per grain type, whether the earlier runtime stored any. Nothing writes <c>grain_state</c> any
    /// more, so a type found without rows stays without: its new grains (every new task) skip the
    /// read, which would otherwise be one more round trip before a task is dispatched.
    /// </summary>
    private readonly ConcurrentDictionary<string, Task<bool>> _typeHasRows = new(StringComparer.Ordinal);

    /// <summary>The old state of grain <paramref name="type"/>/<paramref name="key"/>, or null when it had none.</summary>
    public async Task<T?> ReadAsync<T>(string type, string key, CancellationToken cancellationToken) where T : class
    {
        if (!await TypeHasRowsAsync(type, cancellationToken))
        {
            return null;
        }

        var rows = await database.QueryAsync("GrainStateRead", command =>
        {
            RelationalDatabase.Bind(command, "@type", type);
            RelationalDatabase.Bind(command, "@key", key);
        }, reader => reader.IsDBNull(0) ? null : reader.GetString(0), cancellationToken);
        return rows is [{ } payload] ? JsonSerializer.Deserialize<T>(payload, Json) : null;
    }

    private async Task<bool> TypeHasRowsAsync(string type, CancellationToken cancellationToken)
    {
        var check = _typeHasRows.GetOrAdd(type, AnyRowsAsync);
        try
        {
            return await check.WaitAsync(cancellationToken);
        }
        catch (Exception) when (check.IsFaulted)
        {
            // Storage was away: ask again next time rather than remembering the failure.
            _typeHasRows.TryRemove(new KeyValuePair<string, Task<bool>>(type, check));
            throw;
        }
    }

    // Not bound to one caller's cancellation: the answer is shared by every grain of the type.
    private async Task<bool> AnyRowsAsync(string type) =>
        (await database.QueryAsync("GrainStateAny", command => RelationalDatabase.Bind(command, "@type", type), _ => true, CancellationToken.None)).Count > 0;
}
