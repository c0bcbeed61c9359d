using System.Collections.Concurrent;
using CortexHub.Grains.Tasks;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace CortexHub.Api.Mcp;

/// <summary>
/// Subscriptions to task-log resources (MCP <c>resources/subscribe</c>, on sessions of clients that
/// use the initialize handshake): while the task runs, each stored batch of its stream's output
/// sends <c>notifications/resources/updated</c>, at most one per <see cref="MinInterval"/>, and a
/// last one when it ends. A subscription ends with the task, an unsubscribe, or its session.
/// </summary>
internal sealed partial class TaskLogSubscriptions(TaskFollower follower, Orleans.IGrainFactory grains, TimeProvider time, ILogger<TaskLogSubscriptions> logger)
{
    /// <summary>Most live subscriptions of one session: each holds a follower reading the journal.</summary>
    public const int MaxPerSession = 64;

    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<(McpServer Session, string Uri), CancellationTokenSource> _live = new();

    public async ValueTask<EmptyResult> SubscribeAsync(RequestContext<SubscribeRequestParams> request, CancellationToken cancellationToken)
    {
        var uri = request.Params?.Uri;
        if (TaskLogResources.Parse(uri) is not { } resource)
        {
            throw new McpException($"Only task logs can be subscribed to (cortexhub://tasks/{{taskId}}/stdout or /stderr), not '{uri}'.");
        }

        if (await TasksApi.FindAsync(grains, McpCaller.From(request.User), resource.TaskId) is null)
        {
            throw new McpException($"Unknown task '{resource.TaskId}': no task with that id is yours.");
        }

        var session = request.Server;
        if (_live.Keys.Count(k => k.Session == session) >= MaxPerSession)
        {
            throw new McpException($"At most {MaxPerSession} subscriptions per session; unsubscribe from finished ones first.");
        }

        var stop = new CancellationTokenSource();
        if (_live.TryAdd((session, uri!), stop))
        {
            _ = NotifyAsync(session, uri!, resource.TaskId, resource.Stream, stop);
        }
        else
        {
            stop.Dispose(); // already subscribed: one notification stream is enough
        }

        return new EmptyResult();
    }

    public ValueTask<EmptyResult> UnsubscribeAsync(RequestContext<UnsubscribeRequestParams> request, CancellationToken cancellationToken)
    {
        if (request.Params?.Uri is { } uri && _live.TryRemove((request.Server, uri), out var stop))
        {
            stop.Cancel();
        }

        return ValueTask.FromResult(new EmptyResult());
    }

    private async Task NotifyAsync(McpServer session, string uri, string taskId, OutputStreamKind stream, CancellationTokenSource stop)
    {
        await Task.Yield(); // answer the subscribe request first
        var updated = new ResourceUpdatedNotificationParams { Uri = uri };
        var last = DateTimeOffset.MinValue;
        try
        {
            await foreach (var e in follower.FollowAsync(taskId, 0, stop.Token))
            {
                var relevant = e.Kind == TaskEventKind.Output && e.Stream == stream || e.Kind is TaskEventKind.Lost or TaskEventKind.Result;
                if (relevant && (time.GetUtcNow() - last >= MinInterval || e.Kind == TaskEventKind.Result))
                {
                    last = time.GetUtcNow();
                    await session.SendNotificationAsync(NotificationMethods.ResourceUpdatedNotification, updated, cancellationToken: stop.Token);
                }
            }

            // The last batch may have been inside MinInterval of the one before.
            await session.SendNotificationAsync(NotificationMethods.ResourceUpdatedNotification, updated, cancellationToken: stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Unsubscribed.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The session ended (or the journal could not be read): nobody is left to tell.
            LogSubscriptionEnded(ex, taskId, uri);
        }
        finally
        {
            _live.TryRemove(new KeyValuePair<(McpServer, string), CancellationTokenSource>((session, uri), stop));
            stop.Dispose();
        }
    }

    [LoggerMessage(6101, LogLevel.Debug, "MCP subscription to {Uri} (task {TaskId}) ended early")]
    private partial void LogSubscriptionEnded(Exception exception, string taskId, string uri);
}
