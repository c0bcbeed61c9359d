using System.Net.Http.Headers;

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
