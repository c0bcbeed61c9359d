using System.Text;
using System.Text.Json.Nodes;

namespace CortexHub.Api.Tests;

/// <summary>A minimal text/event-stream client for tests: reads one event at a time.</summary>
public sealed class SseReader : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseReader(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public sealed record Message(string? Id, string Event, JsonObject Data);

    public static async Task<SseReader> OpenAsync(HttpClient client, string path, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new SseReader(response, new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8));
    }

    public async Task<Message> NextAsync(TimeSpan timeout) =>
        await NextOrEndAsync(timeout) ?? throw new InvalidOperationException("The event stream ended.");

    /// <summary>The next event, or null when the stream ends (or, with <paramref name="endIsTimeout"/>, when none arrives in time).</summary>
    public async Task<Message?> NextOrEndAsync(TimeSpan timeout, bool endIsTimeout = false)
    {
        using var deadline = new CancellationTokenSource(timeout);
        string? id = null, name = null;
        var data = new StringBuilder();
        try
        {
            while (await _reader.ReadLineAsync(deadline.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (name is not null)
                    {
                        return new Message(id, name, JsonNode.Parse(data.ToString())!.AsObject());
                    }

                    continue;
                }

                if (line.StartsWith(':'))
                {
                    continue;
                }

                var colon = line.IndexOf(':');
                var field = line[..colon];
                var value = line[(colon + 1)..].TrimStart(' ');
                switch (field)
                {
                    case "id":
                        id = value;
                        break;
                    case "event":
                        name = value;
                        break;
                    case "data":
                        data.Append(value);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (endIsTimeout)
        {
            return null;
        }

        return null;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }
}
