using Grpc.Net.Client;

namespace CortexHub.NodeLink.Tests.Infrastructure;

/// <summary>What "the server stays up" means after an abuse: normal node link calls still succeed.</summary>
public static class SiloChecks
{
    /// <summary>A fresh connection's unary GetHubInfo, then a new node's Connect with Hello answered by Welcome.</summary>
    public static async Task AssertServesNodesAsync(this ISiloUnderTest silo)
    {
        using (var channel = GrpcChannel.ForAddress(silo.GrpcAddress))
        {
            var info = await new NodeLinkClient(channel).GetHubInfoAsync(new HubInfoRequest(), deadline: DateTime.UtcNow + Deadlines.Call);
            Assert.Equal("cortexhub.v1", info.Protocol);
        }

        var nodeId = UniqueId("probe");
        var (node, welcome) = await TestNode.ConnectAsync(silo.GrpcAddress, nodeId, await silo.ProvisionAsync(nodeId));
        await node.DisposeAsync();
        Assert.False(string.IsNullOrEmpty(welcome.SiloId));
    }

    /// <summary>Starts a <see cref="WitnessNode"/> on a freshly provisioned node with a task of its own.</summary>
    public static async Task<WitnessNode> StartWitnessAsync(this ISiloUnderTest silo)
    {
        var nodeId = UniqueId("witness");
        var taskId = UniqueId("witness-task");
        var token = await silo.ProvisionAsync(nodeId);
        return await WitnessNode.StartAsync(silo.GrpcAddress, nodeId, token, taskId, () => silo.DispatchAsync(taskId, nodeId));
    }

    public static string UniqueId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";
}
