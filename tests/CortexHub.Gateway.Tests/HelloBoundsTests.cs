using Grpc.Core;
using Orleans.Runtime;

namespace CortexHub.Gateway.Tests;

/// <summary>
/// A Hello over a bound is refused at the gRPC edge with a status naming the field, before its
/// token is checked or anything is stored; the work the hub starts for an accepted Hello's running
/// tasks is bounded and stops when the connection ends.
/// </summary>
public sealed class HelloBoundsTests(HelloBoundsTests.Hub hub) : IClassFixture<HelloBoundsTests.Hub>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("labels", StatusCode.InvalidArgument, "Hello.labels")]
    [InlineData("label key", StatusCode.InvalidArgument, "Hello.labels")]
    [InlineData("label value", StatusCode.InvalidArgument, "Hello.labels")]
    [InlineData("hostname", StatusCode.InvalidArgument, "Hello.hostname")]
    [InlineData("agent version", StatusCode.InvalidArgument, "Hello.agent_version")]
    [InlineData("running task id", StatusCode.InvalidArgument, "Hello.running_tasks")]
    [InlineData("20,000 running tasks", StatusCode.ResourceExhausted, "Hello.running_tasks")]
    public async Task Hello_OverABound_RefusedWithStatus_NothingStored_TheNodeConnectsAfter(string what, StatusCode expected, string field)
    {
        var nodeId = "n-" + what.Replace(' ', '-').Replace(",", "", StringComparison.Ordinal);
        var token = await hub.Cluster.ProvisionAsync(nodeId);
        var hello = new Hello { NodeId = nodeId, Token = token, AgentVersion = "test-node", Hostname = "test" };
        switch (what)
        {
            case "labels":
                hello.Labels.Add(Enumerable.Range(0, 33).ToDictionary(i => "k" + i, i => "v"));
                break;
            case "label key":
                hello.Labels.Add(new string('k', 129), "v");
                break;
            case "label value":
                hello.Labels.Add("k", new string('v', 129));
                break;
            case "hostname":
                hello.Hostname = new string('h', 257);
                break;
            case "agent version":
                hello.AgentVersion = new string('a', 257);
                break;
            case "running task id":
                hello.RunningTasks.Add(new RunningTask { TaskId = new string('t', 129) });
                break;
            default:
                hello.RunningTasks.Add(Enumerable.Range(0, 20_000).Select(i => new RunningTask { TaskId = "t-" + i }));
                break;
        }

        await using (var refused = await TestNode.OpenAsync(hub.Cluster[0].GrpcAddress, hello))
        {
            var status = await refused.ReadToEndAsync(Wait);
            Assert.Equal(expected, status.StatusCode);
            Assert.Contains(field, status.Detail, StringComparison.Ordinal);
        }

        var node = await hub.Cluster.GetGrain<INodeGrain>(nodeId).GetAsync();
        Assert.Equal((NodeStatus.Offline, 0), (node.Status, node.Labels.Count));
        var (again, _) = await TestNode.ConnectAsync(hub.Cluster[0].GrpcAddress, nodeId, token);
        await again.DisposeAsync();
    }

    /// <summary>
    /// With the cap raised to 20,000, the hub reattaches the listed tasks two at a time
    /// (<c>HelloParallelism</c>); the node hangs up as soon as that starts. The stream ends as a
    /// disconnect, and the task grains asked stop short of the list: nothing goes on for a node that is gone.
    /// </summary>
    [Fact]
    public async Task Hello_ListingManyTasks_WorkIsBoundedAndStopsWhenTheConnectionEnds()
    {
        await using var cluster = await HubFixture.StartAsync(StorageKind.Sqlite, configure: o =>
        {
            o.Configuration["CortexHub:Limits:MaxHelloRunningTasks"] = "20000";
            o.Configuration["CortexHub:Limits:HelloParallelism"] = "2";
        });
        var token = await cluster.ProvisionAsync("busy");
        var hello = new Hello { NodeId = "busy", Token = token, AgentVersion = "test-node", Hostname = "test" };
        hello.RunningTasks.Add(Enumerable.Range(0, 20_000).Select(i => new RunningTask { TaskId = "gone-" + i }));
        var management = cluster[0].Cluster.GetGrain<IManagementGrain>(0);

        var node = await TestNode.OpenAsync(cluster[0].GrpcAddress, hello);
        await TestCluster.WaitUntilAsync(async () => await TaskActivationsAsync(management) > 0, Wait, "the hub to start reattaching the listed tasks");
        node.Abort();

        await TestCluster.WaitUntilAsync(async () => (await cluster.GetGrain<INodeGrain>("busy").GetAsync()).Status == NodeStatus.Offline, Wait,
            "the node's disconnect to be recorded");
        var asked = await TaskActivationsAsync(management);
        Assert.True(asked < 20_000, $"{asked} task grains were asked for a node that hung up.");

        // The session's work is over once the disconnect is recorded: a new connection finds nothing more started.
        var (again, welcome) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "busy", token);
        await again.DisposeAsync();
        Assert.Empty(welcome.Resume);
        Assert.Equal(asked, await TaskActivationsAsync(management));
    }

    private static async Task<int> TaskActivationsAsync(IManagementGrain management) =>
        (await management.GetSimpleGrainStatistics()).Where(s => s.GrainType.Contains("TaskGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);

    /// <summary>One silo for the refusal cases; each provisions a node of its own.</summary>
    public sealed class Hub : IAsyncLifetime
    {
        public TestCluster Cluster { get; private set; } = null!;

        public async Task InitializeAsync() => Cluster = await HubFixture.StartAsync(StorageKind.Sqlite);

        public async Task DisposeAsync() => await Cluster.DisposeAsync();
    }
}
