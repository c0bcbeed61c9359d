using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CortexHub.Api.Tests;

/// <summary>A real silo (HTTP and gRPC on free ports) with a known admin key, and clients acting as users.</summary>
public static class ApiFixture
{
    public const string AdminKey = "chk.admin.testkey.admin-secret-for-tests";

    public static async Task<TestCluster> StartAsync(StorageKind kind = StorageKind.Sqlite)
    {
        var options = new TestClusterOptions { Storage = await TestStorage.CreateAsync(kind) };
        options.Configuration["CortexHub:Api:AdminKey"] = AdminKey;
        options.Configuration["CortexHub:Gateway:OutboxPollInterval"] = "00:00:00.200";
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

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
