using System.Text;
using Microsoft.AspNetCore.Http;

namespace CortexHub.Api;

/// <summary>Writes a text/event-stream response: one event per call, flushed at once; comments keep proxies from timing out.</summary>
internal sealed class ServerSentEvents
{
    private readonly HttpResponse _response;

    private ServerSentEvents(HttpResponse response) => _response = response;

    public static async Task<ServerSentEvents> StartAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx: stream, do not buffer
        await response.Body.FlushAsync(cancellationToken);
        return new ServerSentEvents(response);
    }

    /// <summary>The position a reconnecting client resumes after: <c>Last-Event-ID</c>, else <c>?after=</c>, else 0.</summary>
    public static long ResumePoint(HttpRequest request, long? after) =>
        long.TryParse(request.Headers["Last-Event-ID"].ToString(), out var last) ? last : after ?? 0;

    public Task WriteAsync(string eventName, string dataJson, long? id, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        if (id is { } value)
        {
            text.Append("id: ").Append(value).Append('\n');
        }

        text.Append("event: ").Append(eventName).Append('\n');
        foreach (var line in dataJson.Split('\n'))
        {
            text.Append("data: ").Append(line).Append('\n');
        }

        text.Append('\n');
        return WriteRawAsync(text.ToString(), cancellationToken);
    }

    public Task CommentAsync(string comment, CancellationToken cancellationToken) => WriteRawAsync($": {comment}\n\n", cancellationToken);

    private async Task WriteRawAsync(string text, CancellationToken cancellationToken)
    {
        await _response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        await _response.Body.FlushAsync(cancellationToken);
    }
}
