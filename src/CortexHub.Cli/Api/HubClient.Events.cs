using System.Net.Http.Headers;

namespace CortexHub.Cli.Api;

/// <summary>The task event stream (Server-Sent Events) of <see cref="HubClient"/>.</summary>
public sealed partial class HubClient
{
    /// <summary>
    /// Opens GET /api/v1/tasks/{id}/events, resuming after event <paramref name="afterSequence"/> (Last-Event-ID) when given.
    /// Throws like every call when the hub refuses; reading the returned stream can still fail if the connection drops.
    /// </summary>
    public async Task<TaskEventStream> OpenTaskEventsAsync(string taskId, long? afterSequence, CancellationToken cancellationToken)
    {
        var path = $"api/v1/tasks/{Escape(taskId)}/events";
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (afterSequence is { } after)
        {
            request.Headers.Add("Last-Event-ID", after.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        HttpResponseMessage? response = null;
        try
        {
            // Headers only: the body is the live stream, read as it arrives.
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            await ThrowIfFailedAsync(response, HttpMethod.Get, path, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new TaskEventStream(response, body);
        }
        catch (Exception ex)
        {
            response?.Dispose();
            if (Unreachable(ex, cancellationToken) is { } unreachable)
            {
                throw unreachable;
            }

            throw;
        }
    }
}
