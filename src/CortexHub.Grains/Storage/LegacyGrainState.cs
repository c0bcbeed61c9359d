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

    /// <summary>The old state of grain <paramref name="type"/>/<paramref name="key"/>, or null when it had none.</summary>
    public async Task<T?> ReadAsync<T>(string type, string key, CancellationToken cancellationToken) where T : class
    {
        var rows = await database.QueryAsync("GrainStateRead", command =>
        {
            RelationalDatabase.Bind(command, "@type", type);
            RelationalDatabase.Bind(command, "@key", key);
        }, reader => reader.IsDBNull(0) ? null : reader.GetString(0), cancellationToken);
        return rows is [{ } payload] ? JsonSerializer.Deserialize<T>(payload, Json) : null;
    }
}
