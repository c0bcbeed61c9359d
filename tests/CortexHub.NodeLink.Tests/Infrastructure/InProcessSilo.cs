using CortexHub.Grains.Nodes;
using CortexHub.Grains.Tasks;

namespace CortexHub.NodeLink.Tests.Infrastructure;

/// <summary>
/// One real silo (the executable's composition, on SQLite) in this process, shared by the tests of
/// the <see cref="SiloCollection"/>, with a <see cref="WitnessNode"/> connected before any test
/// runs and streaming until the last one is done.
/// </summary>
public sealed class InProcessSilo : ISiloUnderTest, IAsyncLifetime
{
    /// <summary>
    /// Longer than the 10 s default, so 500 Hello-less streams can all be opened on a busy machine
    /// before the first one times out.
    /// </summary>
    public static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(20);

    private TestCluster? _cluster;
    private WitnessNode? _witness;

    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("The silo is not started.");

    public WitnessNode Witness => _witness ?? throw new InvalidOperationException("The silo is not started.");

    public Uri GrpcAddress => Cluster[0].GrpcAddress;

    public async Task InitializeAsync()
    {
        var options = new TestClusterOptions { Storage = await TestStorage.CreateAsync(StorageKind.Sqlite) };
        options.Configuration["CortexHub:Gateway:HelloTimeout"] = HelloTimeout.ToString("c");
        options.Configuration["CortexHub:Gateway:OutboxPollInterval"] = "00:00:00.500";
        _cluster = await TestCluster.StartAsync(options);
        _witness = await this.StartWitnessAsync();
    }

    public Task<string> ProvisionAsync(string nodeId) =>
        Cluster.GetGrain<INodeGrain>(nodeId).ProvisionAsync(new NodeProvisionRequest(nodeId, "tester"));

    public Task DispatchAsync(string taskId, string nodeId) =>
        Cluster.GetGrain<ITaskGrain>(taskId).DispatchAsync(new TaskSpec(nodeId, "true", "tester"));

    public async Task DisposeAsync()
    {
        if (_witness is not null)
        {
            await _witness.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
