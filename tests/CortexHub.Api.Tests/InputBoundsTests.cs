using System.Net;
using System.Net.Http.Json;
using CortexHub.Protocol.V1;

namespace CortexHub.Api.Tests;

/// <summary>
/// Every bounded field at the HTTP edge: a value over its bound is answered 400 with an error id,
/// naming the field and the limit, and nothing is created; a dispatch larger than a node's message
/// limit is refused before it exists, and its node keeps receiving commands.
/// </summary>
public sealed class InputBoundsTests(InputBoundsTests.Hub hub) : IClassFixture<InputBoundsTests.Hub>
{
    private static readonly string Long64K = new('c', 64 * 1024 + 1);
    private static readonly string FiveMiB = new('x', 5 * 1024 * 1024);

    public static TheoryData<string, string, object, string> OverBound => new()
    {
        { "task command", "/api/v1/tasks", new { nodeId = "n", command = Long64K }, "65536" },
        { "task working directory", "/api/v1/tasks", new { nodeId = "n", command = "ls", workingDirectory = new string('d', 4097) }, "4096" },
        { "task environment entries", "/api/v1/tasks", new { nodeId = "n", command = "ls", environment = Enumerable.Range(0, 257).ToDictionary(i => "V" + i, i => "1") }, "256" },
        { "task environment bytes", "/api/v1/tasks", new { nodeId = "n", command = "ls", environment = new Dictionary<string, string> { ["BIG"] = new('e', 256 * 1024) } }, "262144" },
        { "pool command", "/api/v1/pool/items", new { command = Long64K }, "65536" },
        { "pool working directory", "/api/v1/pool/items", new { command = "ls", workingDirectory = new string('d', 4097) }, "4096" },
        { "pool environment entries", "/api/v1/pool/items", new { command = "ls", environment = Enumerable.Range(0, 257).ToDictionary(i => "V" + i, i => "1") }, "256" },
        { "pool environment bytes", "/api/v1/pool/items", new { command = "ls", environment = new Dictionary<string, string> { ["BIG"] = new('e', 256 * 1024) } }, "262144" },
        { "node name", "/api/v1/nodes", new { id = "named", name = new string('n', 201) }, "200" },
        { "task cancel reason", "/api/v1/tasks/t-none/cancel", new { reason = new string('r', 1025) }, "1024" },
        { "pool cancel reason", "/api/v1/pool/items/p0-none/cancel", new { reason = new string('r', 1025) }, "1024" },
    };

    private static readonly Dictionary<string, string> FieldOf = new()
    {
        ["task command"] = "command", ["task working directory"] = "workingDirectory", ["task environment entries"] = "environment",
        ["task environment bytes"] = "environment", ["pool command"] = "command", ["pool working directory"] = "workingDirectory",
        ["pool environment entries"] = "environment", ["pool environment bytes"] = "environment", ["node name"] = "name",
        ["task cancel reason"] = "reason", ["pool cancel reason"] = "reason",
    };

    [Theory]
    [MemberData(nameof(OverBound))]
    public async Task Post_FieldOverItsBound_400NamingFieldAndLimit(string what, string path, object body, string limit)
    {
        using var alice = hub.Cluster.Client(hub.AliceKey);

        var problem = await (await alice.PostAsJsonAsync(path, body)).AssertProblemAsync(400, FieldOf[what]);

        Assert.Contains(limit, problem["errors"]![FieldOf[what]]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty((await alice.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/api/v1/pool/items"))!["items"]!.AsArray());
    }

    /// <summary>
    /// 5 MiB, over the 4 MiB a node receives: with default limits the command's own bound refuses it;
    /// with the per-field bounds raised, the dispatch's encoded size does (for tasks and pool items).
    /// Either way nothing is queued, and the node still gets the next task.
    /// </summary>
    [Theory]
    [InlineData("/api/v1/tasks", false, "command", "65536")]
    [InlineData("/api/v1/tasks", true, "dispatch", "4194304")]
    [InlineData("/api/v1/pool/items", true, "dispatch", "4194304")]
    public async Task Dispatch_FiveMiB_400_AndTheNodeKeepsReceivingCommands(string path, bool raiseFieldBounds, string field, string limit)
    {
        await using var cluster = await ApiFixture.StartAsync(configure: o =>
        {
            if (raiseFieldBounds)
            {
                o.Configuration["CortexHub:Limits:MaxCommandLength"] = (16 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
                o.Configuration["CortexHub:Limits:MaxEnvironmentBytes"] = (16 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        });
        using var alice = await cluster.UserAsync("alice");
        var token = (await (await alice.PostAsJsonAsync("/api/v1/nodes", new { id = "a-node" })).JsonAsync())["token"]!.GetValue<string>();
        await using var node = await TestNode.OpenAsync(cluster[0].GrpcAddress,
            new Hello { NodeId = "a-node", Token = token, AgentVersion = "test-node", Hostname = "test", PoolSlots = 1 });
        Assert.Equal(HubMessage.BodyOneofCase.Welcome, (await node.ReadAsync(TimeSpan.FromSeconds(15))).BodyCase);

        object body = (path, raiseFieldBounds) switch
        {
            ("/api/v1/tasks", false) => new { id = "huge", nodeId = "a-node", command = FiveMiB },
            ("/api/v1/tasks", true) => new { id = "huge", nodeId = "a-node", command = "env", environment = new Dictionary<string, string> { ["BIG"] = FiveMiB } },
            _ => new { command = "env", environment = new Dictionary<string, string> { ["BIG"] = FiveMiB } },
        };
        var problem = await (await alice.PostAsJsonAsync(path, body)).AssertProblemAsync(400, field);
        Assert.Contains(limit, problem["errors"]![field]![0]!.GetValue<string>(), StringComparison.Ordinal);
        await (await alice.GetAsync("/api/v1/tasks/huge")).AssertProblemAsync(404);

        var next = await alice.PostAsJsonAsync("/api/v1/tasks", new { id = "small", nodeId = "a-node", command = "echo still here" });
        Assert.Equal(HttpStatusCode.Created, next.StatusCode);
        var dispatch = await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Dispatch, TimeSpan.FromSeconds(15));
        Assert.Equal(("small", "echo still here"), (dispatch.Dispatch.TaskId, dispatch.Dispatch.Command));
    }

    /// <summary>One silo for the field cases (each refused before anything is stored), with a user.</summary>
    public sealed class Hub : IAsyncLifetime
    {
        public TestCluster Cluster { get; private set; } = null!;

        public string AliceKey { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Cluster = await ApiFixture.StartAsync();
            using var admin = Cluster.Client(ApiFixture.AdminKey);
            var created = await (await admin.PostAsJsonAsync("/api/v1/users", new { id = "alice", name = "Alice" })).JsonAsync();
            AliceKey = created["apiKey"]!.GetValue<string>();
        }

        public async Task DisposeAsync() => await Cluster.DisposeAsync();
    }
}
