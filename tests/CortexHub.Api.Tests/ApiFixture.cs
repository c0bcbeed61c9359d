using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CortexHub.Api.Tests;

/// <summary>A real silo (HTTP and gRPC on free ports) with a known admin key, and clients acting as users.</summary>
public static class ApiFixture
{
    public const string AdminKey = "chk.admin.testkey.admin-secret-for-tests";

    /// <param name="configure">Changes the silo's options (configuration, services) before it starts.</param>
    public static async Task<TestCluster> StartAsync(StorageKind kind = StorageKind.Sqlite, Action<TestClusterOptions>? configure = null)
    {
        var options = new TestClusterOptions { Storage = await TestStorage.CreateAsync(kind) };
        options.Configuration["CortexHub:Api:AdminKey"] = AdminKey;
        options.Configuration["CortexHub:Gateway:OutboxPollInterval"] = "00:00:00.200";
        configure?.Invoke(options);
        return await TestCluster.StartAsync(options);
    }

    public static HttpClient Client(this TestCluster cluster, string? apiKey, int silo = 0)
    {
        var client = new HttpClient { BaseAddress = cluster[silo].HttpAddress };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    /// <summary>Creates a user through the API (as admin) and returns a client with its key.</summary>
    public static async Task<HttpClient> UserAsync(this TestCluster cluster, string userId)
    {
        using var admin = cluster.Client(AdminKey);
        var response = await admin.PostAsJsonAsync("/api/v1/users", new { id = userId, name = userId.ToUpperInvariant() });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return cluster.Client(body!["apiKey"]!.GetValue<string>());
    }

    public static async Task<JsonObject> JsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    /// <summary>Asserts a problem response: the status, an error id, and (for 400) the named fields.</summary>
    public static async Task<JsonObject> AssertProblemAsync(this HttpResponseMessage response, int status, params string[] fields)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal(status, problem["status"]!.GetValue<int>());
        Assert.Matches("^[0-9a-f]{12}$", problem["errorId"]!.GetValue<string>());
        foreach (var field in fields)
        {
            Assert.True(problem["errors"]?[field] is not null, $"Expected an error for '{field}' in {problem.ToJsonString()}");
        }

        return problem;
    }

    /// <summary>
    /// Every /api/v1 route as "METHOD /pattern"; <c>EndpointErrorTests</c> checks that the silo maps
    /// exactly these, so a new route cannot go without its tests unnoticed.
    /// </summary>
    public static readonly string[] ApiRoutes =
    [
        "GET /api/v1/me", "POST /api/v1/me/keys", "GET /api/v1/me/keys", "DELETE /api/v1/me/keys/{keyId}", "POST /api/v1/users",
        "GET /api/v1/users/{id}/keys", "DELETE /api/v1/users/{id}/keys/{keyId}", "POST /api/v1/users/{id}/disable", "POST /api/v1/users/{id}/enable",
        "GET /api/v1/nodes", "POST /api/v1/nodes", "GET /api/v1/nodes/{id}",
        "POST /api/v1/nodes/{id}/token", "DELETE /api/v1/nodes/{id}/token", "GET /api/v1/nodes/{id}/terminal",
        "GET /api/v1/tasks", "POST /api/v1/tasks", "GET /api/v1/tasks/{id}", "GET /api/v1/tasks/{id}/wait",
        "POST /api/v1/tasks/{id}/cancel", "GET /api/v1/tasks/{id}/logs", "GET /api/v1/tasks/{id}/events",
        "GET /api/v1/events", "POST /api/v1/tasks/{id}/input",
        "POST /api/v1/sessions", "GET /api/v1/sessions", "GET /api/v1/sessions/{id}", "GET /api/v1/sessions/{id}/output", "GET /api/v1/sessions/{id}/screen",
        "POST /api/v1/sessions/{id}/input", "POST /api/v1/sessions/{id}/resize", "DELETE /api/v1/sessions/{id}", "GET /api/v1/sessions/{id}/attach",
        "POST /api/v1/pool/items", "GET /api/v1/pool/items", "GET /api/v1/pool/items/{id}", "POST /api/v1/pool/items/{id}/cancel",
        "POST /api/v1/pool/items/{id}/requeue", "DELETE /api/v1/pool/items/{id}", "GET /api/v1/pool/stats",
    ];

    /// <summary>Sends "METHOD /path"; a POST carries <paramref name="json"/> (default an empty object, which every route binds).</summary>
    public static Task<HttpResponseMessage> SendRouteAsync(this HttpClient client, string route, object? json = null)
    {
        var (method, path) = (route.Split(' ', 2)[0], route.Split(' ', 2)[1]);
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = JsonContent.Create(json ?? new { });
        }

        return client.SendAsync(request);
    }

    /// <summary><see cref="AssertProblemAsync"/> for a route, saying which route answered what when it fails.</summary>
    public static async Task<JsonObject> AssertProblemAsync(this HttpClient client, string route, int status, params string[] fields)
    {
        var response = await client.SendRouteAsync(route);
        Assert.True((int)response.StatusCode == status,
            $"{route}: expected {status}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.AssertProblemAsync(status, fields);
    }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
