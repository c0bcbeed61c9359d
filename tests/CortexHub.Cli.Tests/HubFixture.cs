using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CortexHub.Grains.Nodes;

namespace CortexHub.Cli.Tests;

/// <summary>
/// One real silo (SQLite, HTTP and gRPC on free ports, a known admin key) and one real <c>cortex-agent</c> node,
/// shared by the CLI tests of <see cref="HubCollection"/>; each test uses its own task ids, users and config folder.
/// </summary>
public sealed class HubFixture : IAsyncLifetime
{
    public const string AdminKey = "chk.admin.testkey.admin-secret-for-tests";
    public const string NodeId = "cli-node";
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private TestCluster? _cluster;
    private AgentProcess? _agent;

    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("Not started.");

    public Uri Hub => Cluster[0].HttpAddress;

    public string AgentOutput => _agent?.Output ?? "";

    public async Task InitializeAsync()
    {
        var options = new TestClusterOptions { Storage = await TestStorage.CreateAsync(StorageKind.Sqlite) };
        options.Configuration["CortexHub:Api:AdminKey"] = AdminKey;
        options.Configuration["CortexHub:Gateway:OutboxPollInterval"] = "00:00:00.200";
        _cluster = await TestCluster.StartAsync(options);
        var token = await _cluster.GetGrain<INodeGrain>(NodeId).ProvisionAsync(new NodeProvisionRequest(NodeId, "admin"));
        _agent = AgentProcess.Start(_cluster[0].GrpcAddress, NodeId, token);
        await TestCluster.WaitUntilAsync(async () => (await _cluster.GetGrain<INodeGrain>(NodeId).GetAsync()).Status == NodeStatus.Online, Wait,
            $"the agent connected:\n{_agent.Output}");
    }

    public async Task DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>
    /// The environment of a logged-out user with a fresh config folder (so no test sees another's saved config),
    /// plus <paramref name="variables"/>.
    /// </summary>
    public static Dictionary<string, string?> Environment(params (string Name, string? Value)[] variables)
    {
        var environment = new Dictionary<string, string?>
        {
            ["XDG_CONFIG_HOME"] = TestDirectories.Create("config"),
            ["HOME"] = "/nonexistent",
        };
        foreach (var (name, value) in variables)
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>An environment pointing at the hub with <paramref name="apiKey"/> (the admin's by default).</summary>
    public Dictionary<string, string?> LoggedIn(string apiKey = AdminKey) =>
        Environment(("CORTEX_HUB", Hub.ToString()), ("CORTEX_API_KEY", apiKey));

    /// <summary>Runs <c>cortex</c> in-process as the admin.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunAsync(LoggedIn(), args);

    public static async Task<CliResult> RunAsync(IDictionary<string, string?> environment, params string[] args)
    {
        var stdout = new ConcurrentStringWriter();
        var stderr = new ConcurrentStringWriter();
        var exitCode = await CortexApp.RunAsync(args, stdout, stderr, environment).WaitAsync(Wait);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Creates a user through the API (as admin) and returns its API key.</summary>
    public async Task<string> CreateUserAsync(string userId)
    {
        using var admin = new HttpClient { BaseAddress = Hub };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        var response = await admin.PostAsJsonAsync("/api/v1/users", new { id = userId });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!.GetValue<string>();
    }

    /// <summary>A task id no other test uses.</summary>
    public static string NewTaskId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 64)];
}
