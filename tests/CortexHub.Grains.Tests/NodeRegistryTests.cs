using System.Diagnostics.Metrics;
using System.Text;
using CortexHub.Protocol.V1;
using CortexHub.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CortexHub.Grains.Tests;

public sealed class NodeRegistryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task List_50NodesWithLiveStatus_OneStorageRoundTrip(StorageKind kind)
    {
        await using var cluster = await StartAsync(kind, o => o.Configuration["CortexHub:Nodes:HeartbeatFlushInterval"] = "00:00:00.200");
        var tokens = new Dictionary<string, string>();
        for (var i = 0; i < 50; i++)
        {
            tokens[$"n{i:00}"] = await cluster.GetGrain<INodeGrain>($"n{i:00}").ProvisionAsync(new NodeProvisionRequest($"n{i:00}", i % 2 == 0 ? "alice" : "bob"));
        }

        var connected = new List<TestNode>();
        foreach (var id in new[] { "n00", "n01", "n02" })
        {
            connected.Add((await TestNode.ConnectAsync(cluster[0].GrpcAddress, id, tokens[id])).Node);
        }

        var registry = cluster[0].Services.GetRequiredService<NodeRegistry>();
        var operations = CountStorageOperations(out var listener);
        var all = await registry.ListAsync();
        var roundTrips = operations();
        listener.Dispose();
        var alices = await registry.ListAsync("alice");

        Assert.Equal(1, roundTrips);
        Assert.Equal(50, all.Count);
        Assert.Equal(["n00", "n01", "n02"], all.Where(n => n.Status == NodeStatus.Online).Select(n => n.NodeId));
        Assert.Equal(25, alices.Count);
        Assert.All(alices, n => Assert.Equal("alice", n.Owner));
        foreach (var node in connected)
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>The node list and a single node's view (GET /api/v1/nodes and /nodes/{id}) apply one rule: <see cref="NodePresence"/>.</summary>
    [Fact]
    public async Task ListAndGet_NoHeartbeatWithinTtl_BothShowOfflineThenBothOnlineAgain()
    {
        await using var cluster = await StartAsync(StorageKind.Sqlite, o =>
        {
            o.Configuration["CortexHub:Nodes:HeartbeatTtl"] = "00:00:01";
            o.Configuration["CortexHub:Nodes:HeartbeatFlushInterval"] = "00:00:00.100";
            o.Configuration["CortexHub:Gateway:NodeHeartbeatInterval"] = "00:00:00.800"; // the silo requires TTL > interval + flush
            o.Configuration["CortexHub:Gateway:OutboxPollInterval"] = "00:01:00"; // the silence check runs on outbox passes: none while the test beats by hand
        });
        var token = await cluster.GetGrain<INodeGrain>("quiet").ProvisionAsync(new NodeProvisionRequest("quiet", "alice"));
        var (node, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "quiet", token);
        await using var _ = node;
        var registry = cluster[0].Services.GetRequiredService<NodeRegistry>();

        await TestCluster.WaitUntilAsync(async () => (await registry.ListAsync()).Single().Status == NodeStatus.Offline, Wait, "the silent node went offline");
        Assert.Equal(NodeStatus.Offline, (await cluster.GetGrain<INodeGrain>("quiet").GetAsync()).Status);
        await node.SendAsync(new NodeMessage { Heartbeat = new Heartbeat() });

        await TestCluster.WaitUntilAsync(async () => (await registry.ListAsync()).Single().Status == NodeStatus.Online, Wait, "a heartbeat brought it back");
        Assert.Equal(NodeStatus.Online, (await cluster.GetGrain<INodeGrain>("quiet").GetAsync()).Status);
    }

    [Fact]
    public async Task Stream_OnAnotherSiloThanTheProvisioning_GrainFollowsItAndBeatsKeepTheNodeOnline()
    {
        // Provisioned through silo 0's API (its grain starts there); the node streams to silo 1.
        await using var cluster = await StartAsync(StorageKind.Postgres, o =>
        {
            o.InitialSilos = 2;
            o.Configuration["CortexHub:Nodes:HeartbeatTtl"] = "00:00:01";
            o.Configuration["CortexHub:Nodes:HeartbeatFlushInterval"] = "00:00:00.100";
            o.Configuration["CortexHub:Gateway:NodeHeartbeatInterval"] = "00:00:00.800"; // the silo requires TTL > interval + flush
            o.Configuration["CortexHub:Gateway:OutboxPollInterval"] = "00:01:00"; // the silence check runs on outbox passes: none while the test beats by hand
        });
        var token = await cluster.GetGrain<INodeGrain>("n1").ProvisionAsync(new NodeProvisionRequest("n1", "alice"));
        var management = cluster[0].Cluster.GetGrain<Orleans.Runtime.IManagementGrain>(0);
        Assert.Equal(cluster[0].OrleansSilo, (await management.GetActivationAddress(cluster.GetGrain<INodeGrain>("n1")))?.ToString());

        var (node, _) = await TestNode.ConnectAsync(cluster[1].GrpcAddress, "n1", token);
        await using var _ = node;
        await TestCluster.WaitUntilAsync(async () => (await management.GetActivationAddress(cluster.GetGrain<INodeGrain>("n1")))?.ToString() == cluster[1].OrleansSilo,
            Wait, "the node grain moved to the silo holding its stream");

        // Beats for several TTLs: presence is refreshed for the stream's silo, so the node stays listed online there.
        var registry = cluster[0].Services.GetRequiredService<NodeRegistry>();
        for (var i = 0; i < 8; i++)
        {
            await node.SendAsync(new NodeMessage { Heartbeat = new Heartbeat() });
            await Task.Delay(TimeSpan.FromMilliseconds(400));
        }

        await TestCluster.WaitUntilAsync(async () => (await registry.ListAsync()).Single() is { Status: NodeStatus.Online } listed && listed.SiloId == cluster[1].SiloId,
            Wait, "the node is listed online on silo 1");
    }

    [Fact]
    public async Task ListAndGet_SiloKilled_ItsNodesShowOffline()
    {
        await using var cluster = await StartAsync(StorageKind.Postgres, o => o.InitialSilos = 2);
        var token = await cluster.GetGrain<INodeGrain>("n1").ProvisionAsync(new NodeProvisionRequest("n1", "alice"));
        var (node, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token);
        var registry = cluster[1].Services.GetRequiredService<NodeRegistry>();
        Assert.Equal(NodeStatus.Online, (await registry.ListAsync()).Single().Status);

        cluster.KillSilo(0);
        await node.DisposeAsync();

        await TestCluster.WaitUntilAsync(async () => (await registry.ListAsync()).Single().Status == NodeStatus.Offline, Wait, "the dead silo's node shows offline");
        Assert.Equal(NodeStatus.Offline, (await cluster.GetGrain<INodeGrain>("n1", silo: 1).GetAsync()).Status);
    }

    [Fact]
    public async Task Node_LeftDrainingByAHubRestart_BecomesOfflineByTheHeartbeatRule()
    {
        await using var cluster = await StartAsync(StorageKind.Postgres, o =>
        {
            o.Configuration["CortexHub:Nodes:HeartbeatTtl"] = "00:00:01";
            o.Configuration["CortexHub:Nodes:HeartbeatFlushInterval"] = "00:00:00.100";
            o.Configuration["CortexHub:Gateway:NodeHeartbeatInterval"] = "00:00:00.800"; // the silo requires TTL > interval + flush
            o.Configuration["CortexHub:Gateway:OutboxPollInterval"] = "00:01:00"; // the silence check runs on outbox passes: none while the test beats by hand
        });
        var token = await cluster.GetGrain<INodeGrain>("n1").ProvisionAsync(new NodeProvisionRequest("n1", "alice"));
        var (node, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token);

        // A graceful stop drains the node (told to reconnect elsewhere), and it never comes back.
        var stopping = cluster.StopSiloAsync(0);
        Assert.NotNull((await node.ReadUntilAsync(m => m.Drain is not null, Wait)).Drain);
        await stopping;
        await node.DisposeAsync();
        await cluster.RestartSiloAsync(0);

        var registry = cluster[0].Services.GetRequiredService<NodeRegistry>();
        await TestCluster.WaitUntilAsync(async () => (await registry.ListAsync()).Single().Status == NodeStatus.Offline, Wait,
            "the node drained before the restart is listed offline once its heartbeats are older than the TTL");
        Assert.Equal(NodeStatus.Offline, (await cluster.GetGrain<INodeGrain>("n1").GetAsync()).Status);
    }

    [Fact]
    public async Task Stream_OnAnotherSilo_HearsQueuedDispatchCommandsReplacementAndRotation()
    {
        // The node's stream is on silo 1; the task and the API calls come through silo 0.
        await using var cluster = await StartAsync(StorageKind.Postgres, o => o.InitialSilos = 2);
        await cluster.GetGrain<INodeGrain>("n1").ProvisionAsync(new NodeProvisionRequest("n1", "alice"));
        var first = new RecordingNodeStream();
        await cluster.GetGrain<INodeGrain>("n1", silo: 1).ConnectAsync(cluster[1].NodeConnection("c1", first));

        await cluster.GetGrain<ITaskGrain>("t-wake").DispatchAsync(new TaskSpec("n1", "true", "alice"));
        Assert.Equal("dispatch-queued:" + TaskGrain.DispatchCommandId("t-wake"), await first.NextAsync(Wait));
        await cluster.GetGrain<ITaskGrain>("t-wake").CancelAsync("enough");
        Assert.Equal("commands-queued", await first.NextAsync(Wait));

        var second = new RecordingNodeStream();
        await cluster.GetGrain<INodeGrain>("n1", silo: 1).ConnectAsync(cluster[1].NodeConnection("c2", second));
        Assert.Equal("close:Replaced", await first.NextAsync(Wait));

        await cluster.GetGrain<INodeGrain>("n1").RotateTokenAsync();
        Assert.Equal("close:CredentialsChanged", await second.NextAsync(Wait));
        Assert.False(first.HasMore);
    }

    private static Func<long> CountStorageOperations(out MeterListener listener)
    {
        long count = 0;
        listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == StorageMetrics.MeterName && instrument.Name == "cortexhub.storage.operations")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };

        // Count only this test's own thread of work: other silos' loops also touch storage, so
        // measure the list call on an otherwise idle moment via a scoped listener.
        listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            if (ListScope.Value)
            {
                Interlocked.Add(ref count, value);
            }
        });
        listener.Start();
        ListScope.Value = true;
        return () =>
        {
            ListScope.Value = false;
            return Interlocked.Read(ref count);
        };
    }

    private static readonly AsyncLocal<bool> ListScope = new();

    private static async Task<TestCluster> StartAsync(StorageKind kind, Action<TestClusterOptions>? configure = null)
    {
        var options = new TestClusterOptions { Storage = await TestStorage.CreateAsync(kind) };
        configure?.Invoke(options);
        return await TestCluster.StartAsync(options);
    }
}
