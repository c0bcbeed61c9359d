using System.Globalization;
using System.Text.Json;
using CortexHub.Cli.Api;
using CortexHub.Cli.Api.Models;

namespace CortexHub.Cli.Commands;

/// <summary>
/// Follows a task's event stream to its <c>end</c> event. When the connection drops (or the stream closes early) it
/// reconnects with <c>Last-Event-ID</c> set to the last sequence seen, so no event is lost or shown twice; it gives up
/// (exit 6) only when the hub stays unreachable for <see cref="MaxOutage"/>.
/// </summary>
public sealed class TaskFollower(HubClient client, TimeProvider time)
{
    /// <summary>The first reconnect wait; it doubles up to <see cref="MaxReconnectDelay"/> while nothing arrives.</summary>
    public static readonly TimeSpan InitialReconnectDelay = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(5);

    /// <summary>How long the hub may stay unreachable before following fails.</summary>
    public static readonly TimeSpan MaxOutage = TimeSpan.FromSeconds(60);

    /// <summary>The sequence of the last event handed on (where a later follow resumes).</summary>
    public long? LastSequence { get; private set; }

    /// <summary>
    /// Calls <paramref name="onEvent"/> for each event after <paramref name="afterSequence"/> (every event when null)
    /// in order, once each, and returns the <c>end</c> event.
    /// </summary>
    public async Task<TaskEnd> FollowAsync(string taskId, long? afterSequence, Action<SseEvent> onEvent, CancellationToken cancellationToken)
    {
        LastSequence = afterSequence;
        var delay = InitialReconnectDelay;
        DateTimeOffset? unreachableSince = null;
        while (true)
        {
            try
            {
                using var stream = await client.OpenTaskEventsAsync(taskId, LastSequence, cancellationToken).ConfigureAwait(false);
                unreachableSince = null;
                await foreach (var item in stream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (item.Event == "end")
                    {
                        return ParseEnd(item);
                    }

                    if (long.TryParse(item.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
                    {
                        if (sequence <= LastSequence)
                        {
                            continue; // sent again after a resume
                        }

                        LastSequence = sequence;
                    }

                    delay = InitialReconnectDelay;
                    onEvent(item);
                }

                // Closed without "end": a silo stopped or a proxy cut the stream. Resume after the last event.
            }
            catch (HubUnreachableException ex) when (!cancellationToken.IsCancellationRequested)
            {
                unreachableSince ??= time.GetUtcNow();
                if (time.GetUtcNow() - unreachableSince >= MaxOutage)
                {
                    throw new HubUnreachableException(client.Hub, $"the task's event stream broke off and the hub stayed unreachable for {MaxOutage.TotalSeconds:0} s ({ex.Message})", ex);
                }
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                // The connection dropped mid-stream; the hub itself may be fine.
            }

            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxReconnectDelay.Ticks));
        }
    }

    private static TaskEnd ParseEnd(SseEvent item)
    {
        try
        {
            return JsonSerializer.Deserialize<TaskEnd>(item.Data, CliJson.Options) ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            throw new CliException(ExitCodes.ApiError, $"the hub's end event is not valid JSON ({ex.Message}): {item.Data}", ex);
        }
    }
}
