using System.Text;
using System.Text.Json;

namespace CortexHub.Grains.Tasks;

/// <summary>
/// Body of a <see cref="TaskEventKind.Lost"/> event: the hub once acknowledged events
/// <see cref="From"/>…<see cref="To"/>, storage no longer holds them (a database that lost commits,
/// a restore from an older backup) and the node dropped them when they were acknowledged. The loss
/// is recorded where it happened, so readers see it and the journal's sequence can move on.
/// </summary>
public sealed record LostEvents(long From, long To)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The line the task's output shows in place of the lost events.</summary>
    public string Marker => $"[hub lost events {From}–{To}]\n";

    /// <summary>
    /// The journal row: stored at <see cref="To"/>, the last lost sequence, so a replay of the
    /// journal resumes after the whole range.
    /// </summary>
    public TaskEventRecord ToRecord(DateTimeOffset at) =>
        new(To, TaskEventKind.Lost, OutputStreamKind.None, JsonSerializer.SerializeToUtf8Bytes(this, Json), at);

    public static LostEvents FromRecord(TaskEventRecord record) =>
        JsonSerializer.Deserialize<LostEvents>(record.Data, Json)
        ?? throw new InvalidOperationException($"Lost-events record {record.Sequence} has an empty body.");

    /// <summary>The marker as UTF-8 bytes, for output buffers.</summary>
    public byte[] MarkerBytes() => Encoding.UTF8.GetBytes(Marker);
}
