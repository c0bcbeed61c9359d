using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CortexHub.Cli.Api.Models;

namespace CortexHub.Cli.Api;

/// <summary>
/// Typed calls to the hub's HTTP API (/api/v1) with an API key. Failures come out as <see cref="HubApiException"/>
/// (the hub answered with a problem) or <see cref="HubUnreachableException"/> (it did not answer).
/// </summary>
public sealed partial class HubClient : IDisposable
{
    /// <summary>How long an ordinary request may take; event streams have no limit.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long opening a TCP connection may take.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly HttpMessageHandler _handler;
    private readonly string? _apiKey;

    public HubClient(Uri hub, string? apiKey, HttpMessageHandler? handler = null)
    {
        // A trailing slash makes "api/v1/…" resolve under a hub served below a path prefix.
        Hub = hub.AbsolutePath.EndsWith('/') ? hub : new Uri(hub + "/");
        _apiKey = apiKey;
        _handler = handler ?? new SocketsHttpHandler { ConnectTimeout = ConnectTimeout };
        _http = new HttpClient(_handler)
        {
            BaseAddress = Hub,
            Timeout = Timeout.InfiniteTimeSpan, // per request instead, so event streams can stay open
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("cortex", typeof(HubClient).Assembly.GetName().Version?.ToString(3) ?? "0"));
        if (apiKey is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
    }

    public Uri Hub { get; }

    public Task<ApiResult<UserInfo>> GetMeAsync(CancellationToken cancellationToken) =>
        SendAsync<UserInfo>(HttpMethod.Get, "api/v1/me", null, cancellationToken);

    public Task<ApiResult<IReadOnlyList<NodeInfo>>> ListNodesAsync(CancellationToken cancellationToken) =>
        SendAsync<IReadOnlyList<NodeInfo>>(HttpMethod.Get, "api/v1/nodes", null, cancellationToken);

    public Task<ApiResult<ProvisionedNode>> ProvisionNodeAsync(ProvisionRequest request, CancellationToken cancellationToken) =>
        SendAsync<ProvisionedNode>(HttpMethod.Post, "api/v1/nodes", request, cancellationToken);

    /// <summary>A new token for the node; the old one stops working.</summary>
    public Task<ApiResult<NodeTokenInfo>> RotateNodeTokenAsync(string nodeId, CancellationToken cancellationToken) =>
        SendAsync<NodeTokenInfo>(HttpMethod.Post, $"api/v1/nodes/{Escape(nodeId)}/token", null, cancellationToken);

    /// <summary>Removes the node's token: it can no longer connect until the token is rotated.</summary>
    public Task RevokeNodeTokenAsync(string nodeId, CancellationToken cancellationToken) =>
        SendAsync<object?>(HttpMethod.Delete, $"api/v1/nodes/{Escape(nodeId)}/token", null, cancellationToken);

    /// <summary>A node's terminal as text: the screen of the caller's most recent session on it.</summary>
    public Task<string> GetTerminalTextAsync(string nodeId, CancellationToken cancellationToken) =>
        GetTextAsync($"api/v1/nodes/{Escape(nodeId)}/terminal?format=text", cancellationToken);

    /// <summary>A node's terminal as JSON: the session, its screen's size, cursor, lines and text.</summary>
    public Task<ApiResult<JsonElement>> GetTerminalAsync(string nodeId, CancellationToken cancellationToken) =>
        SendAsync<JsonElement>(HttpMethod.Get, $"api/v1/nodes/{Escape(nodeId)}/terminal", null, cancellationToken);

    public Task<ApiResult<TaskInfo>> DispatchTaskAsync(DispatchRequest request, CancellationToken cancellationToken) =>
        SendAsync<TaskInfo>(HttpMethod.Post, "api/v1/tasks", request, cancellationToken);

    /// <summary>The newest tasks first.</summary>
    public Task<ApiResult<IReadOnlyList<TaskInfo>>> ListTasksAsync(int limit, CancellationToken cancellationToken) =>
        SendAsync<IReadOnlyList<TaskInfo>>(HttpMethod.Get, $"api/v1/tasks?limit={limit}", null, cancellationToken);

    /// <summary>The tasks whose ids start with <paramref name="prefix"/>, in id order, at most <paramref name="limit"/>.</summary>
    public Task<ApiResult<IReadOnlyList<TaskInfo>>> FindTasksByIdPrefixAsync(string prefix, int limit, CancellationToken cancellationToken) =>
        SendAsync<IReadOnlyList<TaskInfo>>(HttpMethod.Get, $"api/v1/tasks?idPrefix={Escape(prefix)}&limit={limit}", null, cancellationToken);

    /// <summary>One task with its journal: output heads and tails, thoughts, progress.</summary>
    public Task<ApiResult<TaskView>> GetTaskAsync(string taskId, CancellationToken cancellationToken) =>
        SendAsync<TaskView>(HttpMethod.Get, $"api/v1/tasks/{Escape(taskId)}", null, cancellationToken);

    public Task<ApiResult<TaskInfo>> CancelTaskAsync(string taskId, string reason, CancellationToken cancellationToken) =>
        SendAsync<TaskInfo>(HttpMethod.Post, $"api/v1/tasks/{Escape(taskId)}/cancel", new { reason }, cancellationToken);

    /// <summary>A task's whole log of one stream, raw (escape sequences and carriage returns as sent).</summary>
    public Task<string> GetLogsAsync(string taskId, bool stderr, CancellationToken cancellationToken) =>
        GetTextAsync($"api/v1/tasks/{Escape(taskId)}/logs?stream={(stderr ? "stderr" : "stdout")}&format=raw", cancellationToken);

    public Task<ApiResult<PoolItemInfo>> SubmitPoolItemAsync(PoolSubmitRequest request, CancellationToken cancellationToken) =>
        SendAsync<PoolItemInfo>(HttpMethod.Post, "api/v1/pool/items", request, cancellationToken);

    public Task<ApiResult<PoolItemList>> ListPoolItemsAsync(string? state, int limit, CancellationToken cancellationToken) =>
        SendAsync<PoolItemList>(HttpMethod.Get, $"api/v1/pool/items?limit={limit}{(state is null ? "" : "&state=" + Escape(state))}", null, cancellationToken);

    public Task<ApiResult<PoolStatsInfo>> GetPoolStatsAsync(CancellationToken cancellationToken) =>
        SendAsync<PoolStatsInfo>(HttpMethod.Get, "api/v1/pool/stats", null, cancellationToken);

    public void Dispose() => _http.Dispose();

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken) =>
        SendAsync<T>(method, path, body is null ? null : JsonContent.Create(body, body.GetType(), options: CliJson.Options), cancellationToken);

    private async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var request = new HttpRequestMessage(method, path) { Content = content };

            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            await ThrowIfFailedAsync(response, method, path, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode == System.Net.HttpStatusCode.NoContent)
            {
                return new ApiResult<T>(default!, default, (int)response.StatusCode);
            }

            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            return Parse<T>(text, method, path, (int)response.StatusCode);
        }
        catch (Exception ex) when (Unreachable(ex, cancellationToken) is { } unreachable)
        {
            throw unreachable;
        }
    }

    private async Task<string> GetTextAsync(string path, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var response = await _http.GetAsync(path, timeout.Token).ConfigureAwait(false);
            await ThrowIfFailedAsync(response, HttpMethod.Get, path, timeout.Token).ConfigureAwait(false);
            return await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (Unreachable(ex, cancellationToken) is { } unreachable)
        {
            throw unreachable;
        }
    }

    private static ApiResult<T> Parse<T>(string text, HttpMethod method, string path, int status)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var json = document.RootElement.Clone();
            var value = json.Deserialize<T>(CliJson.Options) ?? throw new JsonException("null");
            return new ApiResult<T>(value, json, status);
        }
        catch (JsonException ex)
        {
            throw new CliException(ExitCodes.ApiError, $"the answer to {method} /{path} is not what a CortexHub hub sends ({ex.Message}); is the hub address right?", ex);
        }
    }

    /// <summary>Throws <see cref="HubApiException"/> for a non-success answer, with the problem the hub sent (or what it sent instead).</summary>
    private static async Task ThrowIfFailedAsync(HttpResponseMessage response, HttpMethod method, string path, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        Problem? problem = null;
        if (response.Content.Headers.ContentType?.MediaType is { } type && type.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                problem = JsonSerializer.Deserialize<Problem>(text, CliJson.Options);
            }
            catch (JsonException)
            {
                // Not a problem document after all: reported by status below.
            }
        }

        problem ??= new Problem(null, status == 404 ? $"{method} /{path.Split('?')[0]} does not exist on this hub" : response.ReasonPhrase, status, null, null);
        throw new HubApiException(status, problem, $"{method} /{path.Split('?')[0]}");
    }

    /// <summary>
    /// The exception to throw when <paramref name="exception"/> means the hub did not answer, or null. A cancellation the
    /// caller asked for is not "unreachable"; one from the request timeout is.
    /// </summary>
    private HubUnreachableException? Unreachable(Exception exception, CancellationToken callerToken) => exception switch
    {
        HubApiException or CliException => null,
        OperationCanceledException when callerToken.IsCancellationRequested => null,
        OperationCanceledException => new HubUnreachableException(Hub, $"no answer within {RequestTimeout.TotalSeconds:0} s", exception),
        HttpRequestException http => new HubUnreachableException(Hub, Reason(http), exception),
        IOException io => new HubUnreachableException(Hub, io.Message, exception),
        _ => null,
    };

    internal static string Reason(Exception exception)
    {
        // The innermost message names the cause ("Connection refused", "Name or service not known").
        var inner = exception;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return inner == exception || string.IsNullOrWhiteSpace(inner.Message) ? exception.Message : inner.Message;
    }
}
