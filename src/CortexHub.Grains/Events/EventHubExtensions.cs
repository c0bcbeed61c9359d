using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace CortexHub.Grains.Events;

public static partial class EventHubExtensions
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Publishes after the state it describes is already durable, and completes once the event is
    /// stored; a storage failure here loses only the notification (readers still see the state), so
    /// it is logged, not thrown.
    /// </summary>
    public static async Task PublishBestEffortAsync(this EventHub hub, ILogger logger, string kind, string source, string? nodeId, string? userId, string? taskId, object payload)
    {
        try
        {
            await hub.PublishAsync(new HubEventDraft(kind, source, nodeId, userId, taskId, JsonSerializer.Serialize(payload, Json)));
        }
        catch (StorageUnavailableException ex)
        {
            LogPublishFailed(logger, ex, kind, source, ErrorId.New());
        }
    }

    [LoggerMessage(4203, LogLevel.Warning, "Event {Kind} of {Source} was not published (error id {ErrorId}); subscribers will see the state but not this event")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string kind, string source, string errorId);
}
