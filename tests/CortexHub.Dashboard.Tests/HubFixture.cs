using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CortexHub.Dashboard.Tests;

/// <summary>A real silo (HTTP and gRPC on free loopback ports, its own SQLite store) with a known admin key.</summary>
public static class HubFixture
{
    public const string AdminKey = "chk.admin.testkey.admin-secret-for-tests";

    public static async Task<TestCluster> StartAsync()
    {
        var options = new TestClusterOptions { Storage = await TestStorage.CreateAsync(StorageKind.Sqlite) };
        options.Configuration["CortexHub:Api:AdminKey"] = AdminKey;
        options.Configuration["CortexHub:Gateway:OutboxPollInterval"] = "00:00:00.200";
        return await TestCluster.StartAsync(options);
    }

    /// <summary>Provisions a node (POST /api/v1/nodes) and returns its token, for an agent to connect with.</summary>
    public static async Task<string> ProvisionNodeAsync(this HttpClient admin, string nodeId)
    {
        var provisioned = await admin.PostAsJsonAsync("/api/v1/nodes", new { id = nodeId });
        Assert.Equal(HttpStatusCode.Created, provisioned.StatusCode);
        return JsonNode.Parse(await provisioned.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();
    }

    /// <summary>artifacts/test-results, without the screenshots a previous run left there (<paramref name="prefix"/>*.png).</summary>
    public static string ScreenshotFolder(string prefix)
    {
        var folder = Path.Combine(RepoPaths.Root, "artifacts", "test-results");
        foreach (var old in Directory.Exists(folder) ? Directory.GetFiles(folder, $"{prefix}*.png") : [])
        {
            File.Delete(old);
        }

        return folder;
    }

    public static HttpClient Client(this TestCluster cluster, string? apiKey, bool followRedirects = true)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = followRedirects, UseProxy = false }) { BaseAddress = cluster[0].HttpAddress };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }
}
