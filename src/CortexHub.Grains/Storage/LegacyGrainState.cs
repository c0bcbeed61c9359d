using System.Text.Json;
using CortexHub.Runtime.Storage;

namespace CortexHub.Grains.Storage;

/// <summary>
/// Reads a grain's state as the home-made runtime stored it (JSON in <c>grain_state</c>), so a grain
/// that moved to Orleans takes over what an earlier CortexHub saved: on its first activation with no
/// Orleans state it imports the old row once and writes it in Orleans' format.
/// </summary>
public sealed class LegacyGrainState(IGrainStateStore store)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The old state of grain <paramref name="type"/>/<paramref name="key"/>, or null when it had none.</summary>
    public async Task<T?> ReadAsync<T>(string type, string key, CancellationToken cancellationToken) where T : class
    {
        var record = await store.GrainStateReadAsync(new GrainId(type, key), cancellationToken);
        return record.Payload is null ? null : JsonSerializer.Deserialize<T>(record.Payload, Json);
    }
}
