using System.Globalization;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using CortexHub.Cli.Api.Models;

namespace CortexHub.Cli.Api;

/// <summary>Interactive sessions (tasks with a terminal) and task input.</summary>
public sealed partial class HubClient
{
    /// <summary>Largest input body the hub takes per call (64 KiB).</summary>
    public const int MaxInputBytes = 64 * 1024;

    public Task<ApiResult<SessionView>> OpenSessionAsync(OpenSessionRequest request, CancellationToken cancellationToken) =>
        SendAsync<SessionView>(HttpMethod.Post, "api/v1/sessions", request, cancellationToken);

    /// <summary>The caller's sessions, newest first, on one node when <paramref name="nodeId"/> is given.</summary>
    public Task<ApiResult<SessionList>> ListSessionsAsync(string? nodeId, CancellationToken cancellationToken) =>
        SendAsync<SessionList>(HttpMethod.Get, "api/v1/sessions" + (nodeId is null ? "" : "?nodeId=" + Escape(nodeId)), null, cancellationToken);

    public Task<ApiResult<SessionView>> GetSessionAsync(string sessionId, CancellationToken cancellationToken) =>
        SendAsync<SessionView>(HttpMethod.Get, $"api/v1/sessions/{Escape(sessionId)}", null, cancellationToken);

    /// <summary>Ends the session (its process group is killed; outcome cancelled).</summary>
    public Task<ApiResult<SessionView>> CloseSessionAsync(string sessionId, CancellationToken cancellationToken) =>
        SendAsync<SessionView>(HttpMethod.Delete, $"api/v1/sessions/{Escape(sessionId)}", null, cancellationToken);

    /// <summary>
    /// Bytes for a task's stdin (at most <see cref="MaxInputBytes"/>), in order after earlier calls; <paramref name="end"/>
    /// closes its stdin after them.
    /// </summary>
    public Task<ApiResult<InputAccepted>> SendTaskInputAsync(string taskId, ReadOnlyMemory<byte> data, bool end, CancellationToken cancellationToken)
    {
        var content = new ReadOnlyMemoryContent(data);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return SendAsync<InputAccepted>(HttpMethod.Post, $"api/v1/tasks/{Escape(taskId)}/input{(end ? "?end=true" : "")}", content, cancellationToken);
    }

    /// <summary>
    /// Opens the session's WebSocket (<c>GET /api/v1/sessions/{id}/attach</c>), replaying output from byte
    /// <paramref name="after"/> (the hub's retained tail when null). A refusal before the upgrade is a
    /// <see cref="HubApiException"/>; no answer is a <see cref="HubUnreachableException"/>.
    /// </summary>
    public async Task<WebSocket> AttachSessionAsync(string sessionId, long? after, CancellationToken cancellationToken)
    {
        var path = $"api/v1/sessions/{Escape(sessionId)}/attach";
        var address = new UriBuilder(new Uri(Hub, path + (after is { } a ? "?after=" + a.ToString(CultureInfo.InvariantCulture) : "")));
        address.Scheme = address.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        // Pings find a connection that died without a close (a hub machine gone); a killed hub process closes it at once.
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(15);
        socket.Options.KeepAliveTimeout = TimeSpan.FromSeconds(30);
        if (_apiKey is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + _apiKey);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var invoker = new HttpMessageInvoker(_handler, disposeHandler: false);
            await socket.ConnectAsync(address.Uri, invoker, timeout.Token).ConfigureAwait(false);
            return socket;
        }
        catch (Exception ex)
        {
            var status = (int)socket.HttpStatusCode;
            socket.Dispose();
            if (ex is WebSocketException && status is >= 400 and < 500)
            {
                var problem = new Problem(status == 404 ? "Not found" : null, status == 404 ? $"no session {sessionId} (or not yours)" : null, status, null, null);
                throw new HubApiException(status, problem, $"GET /{path}");
            }

            if (ex is WebSocketException && status >= 500)
            {
                throw new HubUnreachableException(Hub, $"the hub answered {status} to the session's WebSocket", ex);
            }

            if (Unreachable(ex, cancellationToken) is { } unreachable)
            {
                throw unreachable;
            }

            if (ex is WebSocketException)
            {
                throw new HubUnreachableException(Hub, Reason(ex), ex);
            }

            throw;
        }
    }
}
