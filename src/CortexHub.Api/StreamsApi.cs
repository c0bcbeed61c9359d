using System.Text;
using System.Text.Json;
using CortexHub.Grains.Events;
using CortexHub.Grains.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CortexHub.Api;

/// <summary>
/// Live streams over Server-Sent Events: a task's journal events (resumable by sequence with
/// <c>Last-Event-ID</c>, ending with an <c>end</c> event once the task finished) and the hub's
/// event bus (node status, task state and output notices, pool changes; resumable by event id).
/// Each task event carries <c>at</c>, the time the hub stored it (log viewers show it per line).
/// </summary>
internal static partial class StreamsApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/tasks/{id}/events", TaskEventsAsync).WithTags("tasks");
        api.MapGet("/events", HubEventsAsync).WithTags("events");
    }

    private static async Task<IResult> TaskEventsAsync(string id, long? after, HttpContext http, Orleans.IGrainFactory grains, TaskFollower follower)
    {
        if (await TasksApi.FindAsync(grains, http, id) is null)
        {
            return ApiProblem.NotFound($"Task '{id}'");
        }

        var decoders = new Dictionary<OutputStreamKind, Decoder>();
        await StreamUntilDoneAsync(http, async token =>
        {
            var sse = await ServerSentEvents.StartAsync(http, token);
            await PumpAsync(follower.FollowAsync(id, ServerSentEvents.ResumePoint(http.Request, after), token), sse,
                e => sse.WriteAsync(EventName(e.Kind), Describe(e, decoders), e.Sequence, token), token);
            var task = await grains.GetGrain<ITaskGrain>(id).GetAsync();
            await sse.WriteAsync("end", JsonSerializer.Serialize(new { taskId = id, state = JsonNamingPolicy.CamelCase.ConvertName(task.State.ToString()), exitCode = task.Result?.ExitCode }, Json), null, token);
        });
        return Results.Empty;
    }

    private static async Task<IResult> HubEventsAsync(long? after, HttpContext http, EventHub hub)
    {
        var caller = ApiCaller.From(http);
        var topics = caller.IsAdmin ? [EventTopics.All] : new[] { EventTopics.User(caller.UserId) };
        long? resume = http.Request.Headers.ContainsKey("Last-Event-ID") || after is not null ? ServerSentEvents.ResumePoint(http.Request, after) : null;
        await using var subscription = await hub.SubscribeAsync(topics, resume, cancellationToken: http.RequestAborted);
        await StreamUntilDoneAsync(http, async token =>
        {
            var sse = await ServerSentEvents.StartAsync(http, token);
            await PumpAsync(subscription.ReadAllAsync(token), sse, envelope => envelope switch
            {
                { Event: { } e } => sse.WriteAsync(e.Kind, JsonSerializer.Serialize(new { id = e.Id, kind = e.Kind, source = e.Source, nodeId = e.NodeId, taskId = e.TaskId, at = e.At, payload = JsonDocument.Parse(e.PayloadJson).RootElement }, Json), e.Id, token),
                { Pruned: { } pruned } => sse.WriteAsync("pruned", JsonSerializer.Serialize(new { after = pruned.After, through = pruned.Through }, Json), null, token),
                _ => sse.WriteAsync("gap", JsonSerializer.Serialize(new { missed = envelope.Missed }, Json), null, token),
            }, token);
        });
        return Results.Empty;
    }

    /// <summary>
    /// Runs a stream until it is done, its client leaves or the silo stops. The last two are normal
    /// ends (a client resumes with <c>Last-Event-ID</c>), worth a debug line, not an error: a stop
    /// must not wait for clients that never hang up, and a client that left shows up either as the
    /// request's cancellation or as a failed write, whichever comes first.
    /// </summary>
    private static async Task StreamUntilDoneAsync(HttpContext http, Func<CancellationToken, Task> stream)
    {
        var stopping = http.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        try
        {
            await stream(ended.Token);
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested)
        {
            LogEnded();
        }
        catch (IOException)
        {
            LogEnded(); // a write to a client that left
        }

        void LogEnded() => LogStreamEnded(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StreamsApi)),
            http.Request.Path, stopping.IsCancellationRequested ? "the silo is stopping" : "the client left");
    }

    [LoggerMessage(6010, LogLevel.Debug, "Event stream {Path} ended: {Reason}")]
    private static partial void LogStreamEnded(ILogger logger, string path, string reason);

    /// <summary>Writes each item as it comes, and a comment every <see cref="KeepAlive"/> so proxies keep a quiet stream open.</summary>
    private static async Task PumpAsync<T>(IAsyncEnumerable<T> source, ServerSentEvents sse, Func<T, Task> write, CancellationToken token)
    {
        // The source reads under its own token, cancelled on the way out: an async iterator cannot
        // be disposed while a read is pending (NotSupportedException), so a failed write first ends
        // the read and waits for it.
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(token);
        await using var items = source.GetAsyncEnumerator(reading.Token);
        var next = items.MoveNextAsync().AsTask();
        try
        {
            Task? keepAlive = null; // one timer at a time, not one per item
            while (true)
            {
                keepAlive ??= Task.Delay(KeepAlive, token);
                if (await Task.WhenAny(next, keepAlive) == keepAlive)
                {
                    keepAlive = null;
                    await sse.CommentAsync("keep-alive", token);
                    continue;
                }

                if (!await next)
                {
                    return;
                }

                await write(items.Current);
                next = items.MoveNextAsync().AsTask();
            }
        }
        finally
        {
            await reading.CancelAsync();
            await ((Task)next).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static string EventName(TaskEventKind kind) => JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());

    private static string Describe(TaskEventRecord e, Dictionary<OutputStreamKind, Decoder> decoders)
    {
        switch (e.Kind)
        {
            case TaskEventKind.Output:
                // One decoder per stream, so a character split across chunks is not garbled.
                if (!decoders.TryGetValue(e.Stream, out var decoder))
                {
                    decoders[e.Stream] = decoder = Encoding.UTF8.GetDecoder();
                }

                var chars = new char[decoder.GetCharCount(e.Data, flush: false)];
                decoder.GetChars(e.Data, chars, flush: false);
                return JsonSerializer.Serialize(new { sequence = e.Sequence, at = e.At, stream = e.Stream == OutputStreamKind.Stderr ? "stderr" : "stdout", text = new string(chars) }, Json);
            case TaskEventKind.Thought:
                return JsonSerializer.Serialize(new { sequence = e.Sequence, at = e.At, text = Encoding.UTF8.GetString(e.Data) }, Json);
            case TaskEventKind.Progress:
                using (var progress = JsonDocument.Parse(e.Data))
                {
                    return JsonSerializer.Serialize(new { sequence = e.Sequence, at = e.At, fraction = progress.RootElement.GetProperty("fraction").GetDouble(), message = progress.RootElement.GetProperty("message").GetString() }, Json);
                }

            case TaskEventKind.Result:
                var outcome = JsonSerializer.Deserialize<TaskOutcomeEvent>(e.Data, Json)!;
                return JsonSerializer.Serialize(new { sequence = e.Sequence, at = e.At, outcome = JsonNamingPolicy.CamelCase.ConvertName(outcome.Outcome.ToString()), exitCode = outcome.ExitCode, error = outcome.Error }, Json);
            case TaskEventKind.Lost:
                // Shown in the output where the events were, as the logs and the task view show it.
                var lost = LostEvents.FromRecord(e);
                return JsonSerializer.Serialize(new { sequence = e.Sequence, at = e.At, from = lost.From, to = lost.To, stream = "stdout", text = lost.Marker }, Json);
            default:
                return JsonSerializer.Serialize(new { sequence = e.Sequence, at = e.At }, Json);
        }
    }
}
