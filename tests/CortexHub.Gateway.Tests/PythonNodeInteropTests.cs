namespace CortexHub.Gateway.Tests;

/// <summary>A node written with Debian's python3-grpcio (stubs generated from protos/ during the test) against a real silo.</summary>
public sealed class PythonNodeInteropTests : IAsyncLifetime
{
    private PythonGrpcStubs _stubs = null!;
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _stubs = await PythonGrpcStubs.GenerateAsync(Path.Combine(RepoPaths.Root, "protos"), "cortexhub/v1/node_link.proto");
        _cluster = await HubFixture.StartAsync(StorageKind.Sqlite);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _stubs.Dispose();
    }

    [Fact]
    public async Task PythonNode_AuthenticatesRunsDispatchAndCompletes()
    {
        var token = await _cluster.ProvisionAsync("py1");
        var node = RunNodeAsync("py1", token, "run");
        await TestCluster.WaitUntilAsync(async () => (await _cluster.GetGrain<INodeGrain>("py1").GetAsync()).Status == NodeStatus.Online,
            TimeSpan.FromSeconds(30), "the Python node connected");

        await _cluster.DispatchAsync("py-task", "py1", "echo hello");
        var result = await node;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("ok dispatch task=py-task command=echo hello", result.StandardOutput);
        Assert.Contains("ok ack seq=5", result.StandardOutput);
        var task = await _cluster.GetGrain<ITaskGrain>("py-task").GetAsync();
        Assert.Equal(TaskState.Failed, task.State);
        Assert.Equal(7, task.Result!.ExitCode);
        var events = await _cluster.GetGrain<ITaskGrain>("py-task").ReadEventsAsync(0, 10);
        Assert.Equal("\u001b[31mred\u001b[0m\n", System.Text.Encoding.UTF8.GetString(events[3].Data));
    }

    [Fact]
    public async Task PythonNode_HalfClosesAfterItsEvents_GetsEveryAckThenOk()
    {
        var token = await _cluster.ProvisionAsync("py5");
        var node = RunNodeAsync("py5", token, "halfclose");
        await TestCluster.WaitUntilAsync(async () => (await _cluster.GetGrain<INodeGrain>("py5").GetAsync()).Status == NodeStatus.Online,
            TimeSpan.FromSeconds(30), "the Python node connected");

        await _cluster.DispatchAsync("py-half", "py5", "seq 50");
        var result = await node;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("ok halfclose status=OK acked=50", result.StandardOutput);
        Assert.Equal(TaskState.Succeeded, (await _cluster.GetGrain<ITaskGrain>("py-half").GetAsync()).State);
        Assert.Equal(50, (await _cluster.GetGrain<ITaskGrain>("py-half").ReadEventsAsync(0, 100)).Count);
    }

    [Fact]
    public async Task PythonNode_WrongToken_GetsUnauthenticated()
    {
        await _cluster.ProvisionAsync("py2");

        var result = await RunNodeAsync("py2", "chn_not-the-token", "badtoken");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("status=UNAUTHENTICATED", result.StandardOutput);
    }

    [Fact]
    public async Task PythonNode_OversizeMessage_GetsResourceExhausted()
    {
        var token = await _cluster.ProvisionAsync("py3");

        var result = await RunNodeAsync("py3", token, "oversize");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("status=RESOURCE_EXHAUSTED", result.StandardOutput);
    }

    [Fact]
    public async Task PythonNode_Deadline_IsHonoured()
    {
        var token = await _cluster.ProvisionAsync("py4");

        var result = await RunNodeAsync("py4", token, "deadline");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("status=DEADLINE_EXCEEDED", result.StandardOutput);
    }

    [Fact]
    public async Task PythonClient_GetHubInfo_Unary()
    {
        var result = await RunNodeAsync("-", "-", "info");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"ok info protocol=cortexhub.v1 silo={_cluster[0].SiloId}", result.StandardOutput);
    }

    private Task<ProcessResult> RunNodeAsync(string nodeId, string token, string mode)
    {
        _stubs.EnsureAvailable();
        var address = _cluster[0].GrpcAddress;
        return PythonProcess.RunAsync(
            [Path.Combine(AppContext.BaseDirectory, "Interop", "python_node.py"), $"{address.Host}:{address.Port}", nodeId, token, mode],
            TimeSpan.FromSeconds(60),
            new Dictionary<string, string> { ["PYTHONPATH"] = _stubs.Directory });
    }
}
