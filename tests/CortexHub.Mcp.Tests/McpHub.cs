using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace CortexHub.Mcp.Tests;

/// <summary>
/// A real hub (one silo: HTTP API, /mcp, gRPC) with two users, alice and bob, each owning a node
/// run by the real agent process (alice's takes pool work), and a node of alice's that never
/// connects. Shared by the tests of <see cref="McpHubCollection"/>, which each use their own tasks.
/// </summary>
public sealed class McpHub : IAsyncLifetime
{
    public const string AdminKey = "chk.admin.testkey.admin-secret-for-mcp-tests";
    public const string AliceNode = "alice-node";
    public const string BobNode = "bob-node";
    public const string AliceOfflineNode = "alice-offline";

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    private readonly List<AgentProcess> _agents = [];

    public TestCluster Cluster { get; private set; } = null!;

    public string AliceKey { get; private set; } = "";

    public string BobKey { get; private set; } = "";

    public Uri McpAddress => new(Cluster[0].HttpAddress, "/mcp");

    public async Task InitializeAsync()
    {
        var options = new TestClusterOptions { Storage = await TestStorage.CreateAsync(StorageKind.Sqlite) };
        options.Configuration["CortexHub:Api:AdminKey"] = AdminKey;
        options.Configuration["CortexHub:Gateway:OutboxPollInterval"] = "00:00:00.200";
        Cluster = await TestCluster.StartAsync(options);
        AliceKey = await CreateUserAsync("alice");
        BobKey = await CreateUserAsync("bob");
        await StartNodeAsync(AliceKey, AliceNode, new() { ["owner"] = "alice", ["role"] = "builder" }, "--pool-slots", "2");
        await StartNodeAsync(BobKey, BobNode, new() { ["owner"] = "bob", ["role"] = "builder" });
        await ProvisionAsync(AliceKey, AliceOfflineNode, new() { ["owner"] = "alice", ["role"] = "spare" });
    }

    public async Task DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        await Cluster.DisposeAsync();
    }

    /// <summary>An MCP client of the C# SDK, authenticated with <paramref name="apiKey"/>; <paramref name="protocolVersion"/> null lets the SDK choose.</summary>
    public Task<McpClient> ClientAsync(string apiKey, string? protocolVersion = null) =>
        McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = McpAddress,
                TransportMode = HttpTransportMode.StreamableHttp,
                AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {apiKey}" },
            }),
            new McpClientOptions { ProtocolVersion = protocolVersion });

    public HttpClient Http(string? apiKey)
    {
        var client = new HttpClient { BaseAddress = Cluster[0].HttpAddress };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    private async Task<string> CreateUserAsync(string userId)
    {
        using var admin = Http(AdminKey);
        var response = await admin.PostAsJsonAsync("/api/v1/users", new { id = userId, name = userId });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["apiKey"]!.GetValue<string>();
    }

    private async Task<string> ProvisionAsync(string apiKey, string nodeId, Dictionary<string, string> labels)
    {
        using var http = Http(apiKey);
        var response = await http.PostAsJsonAsync("/api/v1/nodes", new { id = nodeId, labels });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();
    }

    private async Task StartNodeAsync(string apiKey, string nodeId, Dictionary<string, string> labels, params string[] agentArgs)
    {
        var token = await ProvisionAsync(apiKey, nodeId, labels);
        var agent = AgentProcess.Start(Cluster[0].GrpcAddress, nodeId, token, agentArgs);
        _agents.Add(agent);
        await TestCluster.WaitUntilAsync(
            async () => (await Cluster.GetGrain<Grains.Nodes.INodeGrain>(nodeId).GetAsync()).Status == Grains.Nodes.NodeStatus.Online,
            Wait, $"agent {nodeId} connected\n{agent.Output}");
    }
}

[CollectionDefinition(Name)]
public sealed class McpHubCollection : ICollectionFixture<McpHub>
{
    public const string Name = "mcp hub";
}

/// <summary>Calling tools and reading their text.</summary>
public static class McpCalls
{
    public static async Task<CallToolResult> CallAsync(this McpClient client, string tool, object arguments)
    {
        var json = System.Text.Json.JsonSerializer.SerializeToElement(arguments);
        var values = json.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        return await client.CallToolAsync(tool, values);
    }

    public static string Text(this CallToolResult result) =>
        string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    /// <summary>Calls a tool that must succeed and returns its text.</summary>
    public static async Task<string> OkAsync(this McpClient client, string tool, object arguments)
    {
        var result = await client.CallAsync(tool, arguments);
        Assert.True(result.IsError != true, $"{tool} failed: {result.Text()}");
        return result.Text();
    }

    /// <summary>Calls a tool that must fail with a tool error (not a protocol error) and returns its text.</summary>
    public static async Task<string> ErrorAsync(this McpClient client, string tool, object arguments)
    {
        var result = await client.CallAsync(tool, arguments);
        Assert.True(result.IsError == true, $"{tool} should have failed: {result.Text()}");
        return result.Text();
    }

    public static int Utf8Bytes(this CallToolResult result) => Encoding.UTF8.GetByteCount(result.Text());
}
