namespace CortexHub.Gateway.Tests;

/// <summary>Starts a test's own cluster of full silos and provisions nodes in it.</summary>
public static class HubFixture
{
    public static async Task<TestCluster> StartAsync(StorageKind kind, int silos = 1, Action<TestClusterOptions>? configure = null)
    {
        var options = new TestClusterOptions { InitialSilos = silos, Storage = await TestStorage.CreateAsync(kind) };
        options.Configuration["CortexHub:Gateway:OutboxPollInterval"] = "00:00:00.500";
        configure?.Invoke(options);
        return await TestCluster.StartAsync(options);
    }

    /// <summary>Provisions a node and returns its token.</summary>
    public static Task<string> ProvisionAsync(this TestCluster cluster, string nodeId, int silo = 0) =>
        cluster.GetGrain<INodeGrain>(nodeId, silo).ProvisionAsync(new NodeProvisionRequest(nodeId, "tester"));

    public static Task<TaskSnapshot> DispatchAsync(this TestCluster cluster, string taskId, string nodeId, string command = "echo hi", int silo = 0) =>
        cluster.GetGrain<ITaskGrain>(taskId, silo).DispatchAsync(new TaskSpec(nodeId, command, "tester"));

    public static async Task<HubMessage> ReadDispatchAsync(this TestNode node, string taskId) =>
        await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Dispatch && m.Dispatch.TaskId == taskId, TimeSpan.FromSeconds(15));

    public static async Task<long> ReadAckAsync(this TestNode node, string taskId, long atLeast) =>
        (long)(await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Ack && m.Ack.TaskId == taskId && (long)m.Ack.Sequence >= atLeast, TimeSpan.FromSeconds(15))).Ack.Sequence;
}
