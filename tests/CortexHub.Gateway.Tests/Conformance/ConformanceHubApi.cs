using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CortexHub.Gateway.Tests.Conformance;

/// <summary>The hub's HTTP API as an admin uses it: what the conformance scenarios check the hub's state through.</summary>
public sealed class ConformanceHubApi(Uri httpAddress) : IDisposable
{
    public const string AdminKey = "chk.admin.testkey.conformance-admin-secret";

    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false })
    {
        BaseAddress = httpAddress,
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", AdminKey) },
    };

    /// <summary>Provisions a node (POST /api/v1/nodes) and returns its token.</summary>
    public async Task<string> ProvisionAsync(string nodeId, IReadOnlyDictionary<string, string> labels)
    {
        var created = await SendAsync(HttpMethod.Post, "/api/v1/nodes", new { id = nodeId, labels });
        return created["token"]!.GetValue<string>();
    }

    public Task<JsonObject> DispatchAsync(object request) => SendAsync(HttpMethod.Post, "/api/v1/tasks", request);

    /// <summary>POST /api/v1/tasks/{id}/input with the raw bytes; <paramref name="end"/> closes the task's stdin after them.</summary>
    public Task<JsonObject> InputAsync(string taskId, byte[] data, bool end = false) =>
        SendAsync(HttpMethod.Post, $"/api/v1/tasks/{taskId}/input?end={(end ? "true" : "false")}", new ByteArrayContent(data) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } });

    /// <summary>POST /api/v1/sessions: a terminal session on a node (its SessionView).</summary>
    public Task<JsonObject> OpenSessionAsync(object request) => SendAsync(HttpMethod.Post, "/api/v1/sessions", request);

    public Task<JsonObject> CancelAsync(string taskId, string reason) => SendAsync(HttpMethod.Post, $"/api/v1/tasks/{taskId}/cancel", new { reason });

    /// <summary>The task once it has finished (GET …/wait, retried until it has).</summary>
    public async Task<JsonObject> WaitFinishedAsync(string taskId)
    {
        using var deadline = new CancellationTokenSource(ConformanceNode.Deadline);
        while (true)
        {
            var task = await SendAsync(HttpMethod.Get, $"/api/v1/tasks/{taskId}/wait?timeoutSeconds=20", cancellationToken: deadline.Token);
            if (task["state"]!.GetValue<string>() is not ("queued" or "dispatched" or "running"))
            {
                return task;
            }
        }
    }

    /// <summary>GET /api/v1/tasks/{id}: the task (<c>task</c>) with its output views.</summary>
    public Task<JsonObject> TaskAsync(string taskId) => SendAsync(HttpMethod.Get, $"/api/v1/tasks/{taskId}");

    public async Task<string> LogsAsync(string taskId, string stream = "stdout") =>
        await _http.GetStringAsync($"/api/v1/tasks/{taskId}/logs?stream={stream}");

    public Task<JsonObject> NodeAsync(string nodeId) => SendAsync(HttpMethod.Get, $"/api/v1/nodes/{nodeId}");

    /// <summary>The node as GET /api/v1/nodes lists it (live status by the heartbeat rule).</summary>
    public async Task<JsonObject> ListedNodeAsync(string nodeId)
    {
        var nodes = await _http.GetFromJsonAsync<JsonArray>("/api/v1/nodes") ?? [];
        return nodes.Select(n => n!.AsObject()).Single(n => n["nodeId"]!.GetValue<string>() == nodeId);
    }

    /// <summary>Polls until <paramref name="condition"/> holds (the hub offers no signal for these).</summary>
    public static Task WaitUntilAsync(Func<Task<bool>> condition, string what) => TestCluster.WaitUntilAsync(condition, ConformanceNode.Deadline, what);

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, object? body = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body as HttpContent ?? (body is null ? null : JsonContent.Create(body)) };
        using var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public void Dispose() => _http.Dispose();
}
