using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace CortexHub.Grains.Events;

public static partial class EventHubExtensions
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Publishes after the state it describes is already durable; a storage failure here loses only
    /// the notification (readers still see the state), so it is logged, not thrown.
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

    /// <summary>
    /// Queues the event without waiting for its commit, for callers whose turn should not wait on
    /// the event table (the pool's hot path). Events still commit in the order they were queued;
    /// a failure is logged as with <see cref="PublishBestEffortAsync"/>.
    /// </summary>
    public static void PublishInBackground(this EventHub hub, ILogger logger, string kind, string source, string? nodeId, string? userId, string? taskId, object payload)
    {
        var publishing = hub.PublishAsync(new HubEventDraft(kind, source, nodeId, userId, taskId, JsonSerializer.Serialize(payload, Json)));
        if (!publishing.IsCompletedSuccessfully)
        {
            publishing.ContinueWith(
                static (task, state) =>
                {
                    var (logger, kind, source) = ((ILogger, string, string))state!;
                    LogPublishFailed(logger, task.Exception!.GetBaseException(), kind, source, ErrorId.New());
                },
                (logger, kind, source),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    [LoggerMessage(4203, LogLevel.Warning, "Event {Kind} of {Source} was not published (error id {ErrorId}); subscribers will see the state but not this event")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string kind, string source, string errorId);
}
