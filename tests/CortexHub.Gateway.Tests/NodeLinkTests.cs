using System.Text;
using CortexHub.Grains.Cluster;
using Grpc.Core;
using Grpc.Net.Client;

namespace CortexHub.Gateway.Tests;

public sealed class NodeLinkTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task Dispatch_ConnectedNode_EventsJournaledExactlyOnceAndAcked(StorageKind kind)
    {
        await using var cluster = await HubFixture.StartAsync(kind);
        var token = await cluster.ProvisionAsync("n1");
        var (node, welcome) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token);
        await using var _ = node;
        Assert.Equal(cluster[0].SiloId, welcome.SiloId);

        await cluster.DispatchAsync("t1", "n1", "echo hello");
        var dispatch = (await node.ReadDispatchAsync("t1")).Dispatch;
        await node.SendAsync(new NodeMessage { CommandAck = new CommandAck { CommandId = dispatch.CommandId } });
        await node.SendEventAsync("t1", 1, e => e.Accepted = new TaskAccepted());
        await node.SendEventAsync("t1", 2, e => e.Started = new TaskStarted { Pid = 42 });
        await node.SendOutputAsync("t1", 3, "hello\n");
        await node.SendOutputAsync("t1", 3, "hello\n"); // a resend: stored once
        await node.SendResultAsync("t1", 4, exitCode: 0);

        Assert.Equal(4, await node.ReadAckAsync("t1", 4));
        var task = await cluster.GetGrain<ITaskGrain>("t1").GetAsync();
        Assert.Equal(TaskState.Succeeded, task.State);
        Assert.Equal(0, task.Result!.ExitCode);
        var events = await cluster.GetGrain<ITaskGrain>("t1").ReadEventsAsync(0, 100);
        Assert.Equal([1L, 2, 3, 4], events.Select(e => e.Sequence));
        Assert.Equal("hello\n", Encoding.UTF8.GetString(events.Single(e => e.Kind == TaskEventKind.Output).Data));
    }

    [Fact]
    public async Task Connect_WrongToken_Unauthenticated()
    {
        await using var cluster = await HubFixture.StartAsync(StorageKind.Sqlite);
        await cluster.ProvisionAsync("n1");

        var error = await Assert.ThrowsAsync<RpcException>(() => TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", "chn_wrong"));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => TestNode.ConnectAsync(cluster[0].GrpcAddress, "nobody", "chn_wrong"));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, unknown.StatusCode);
        Assert.Equal(error.Status.Detail, unknown.Status.Detail);
    }

    [Fact]
    public async Task Connect_RotatedToken_OldTokenRejected()
    {
        await using var cluster = await HubFixture.StartAsync(StorageKind.Sqlite);
        var old = await cluster.ProvisionAsync("n1");
        var fresh = await cluster.GetGrain<INodeGrain>("n1").RotateTokenAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", old));
        var (node, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", fresh);
        await node.DisposeAsync();

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task Connect_FirstMessageNotHello_InvalidArgument()
    {
        await using var cluster = await HubFixture.StartAsync(StorageKind.Sqlite);
        using var channel = GrpcChannel.ForAddress(cluster[0].GrpcAddress);
        using var call = new NodeLink.NodeLinkClient(channel).Connect();

        await call.RequestStream.WriteAsync(new NodeMessage { Heartbeat = new Heartbeat() });
        var error = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("Hello", error.Status.Detail);
    }

    [Fact]
    public async Task Connect_NoHelloInTime_DeadlineExceeded()
    {
        await using var cluster = await HubFixture.StartAsync(StorageKind.Sqlite, configure: o => o.Configuration["CortexHub:Gateway:HelloTimeout"] = "00:00:00.300");
        using var channel = GrpcChannel.ForAddress(cluster[0].GrpcAddress);
        using var call = new NodeLink.NodeLinkClient(channel).Connect();

        var error = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task Dispatch_NodeOffline_DeliveredOnceItConnects()
    {
        await using var cluster = await HubFixture.StartAsync(StorageKind.Sqlite);
        var token = await cluster.ProvisionAsync("n1");
        await cluster.DispatchAsync("t-offline", "n1");

        var (node, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token);
        await using var _ = node;

        Assert.Equal("t-offline", (await node.ReadDispatchAsync("t-offline")).Dispatch.TaskId);
    }

    [Fact]
    public async Task Dispatch_UnconfirmedCommand_RedeliveredAfterReconnect()
    {
        await using var cluster = await HubFixture.StartAsync(StorageKind.Sqlite);
        var token = await cluster.ProvisionAsync("n1");
        var (first, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token);
        await cluster.DispatchAsync("t-redeliver", "n1");
        var dispatch = (await first.ReadDispatchAsync("t-redeliver")).Dispatch;
        await first.DisposeAsync(); // gone before confirming

        var (second, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token);
        await using var _ = second;

        Assert.Equal(dispatch.CommandId, (await second.ReadDispatchAsync("t-redeliver")).Dispatch.CommandId);
    }

    [Fact]
    public async Task Dispatch_HandedOverThenSiloKilledAndRestarted_RedeliveredFromTheOutbox()
    {
        await using var cluster = await HubFixture.StartAsync(StorageKind.Sqlite,
            configure: o => o.Configuration["CortexHub:Gateway:OutboxPollInterval"] = "00:01:00");
        var token = await cluster.ProvisionAsync("n1");
        var (first, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token);

        // The poll is a minute away: this dispatch was handed to the stream with its hint, not read back.
        await cluster.DispatchAsync("t-handed", "n1");
        var dispatch = (await first.ReadDispatchAsync("t-handed")).Dispatch;
        cluster.KillSilo(0); // before the node confirmed it
        await first.DisposeAsync();
        await cluster.RestartSiloAsync(0);

        // Its outbox row outlived the silo: the new stream's first outbox read sends it again.
        var (second, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token);
        await using var _ = second;
        Assert.Equal(dispatch.CommandId, (await second.ReadDispatchAsync("t-handed")).Dispatch.CommandId);
    }

    [Fact]
    public async Task Dispatch_UnconfirmedButReportedOn_NotRedeliveredAfterReconnect()
    {
        await using var cluster = await HubFixture.StartAsync(StorageKind.Sqlite);
        var token = await cluster.ProvisionAsync("n1");
        var (first, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token);
        await cluster.DispatchAsync("t-ran", "n1");
        await first.ReadDispatchAsync("t-ran");
        // Its CommandAck is lost with the stream, but its events show the node had it: it ran and finished.
        await first.SendEventAsync("t-ran", 1, e => e.Accepted = new TaskAccepted());
        await first.SendResultAsync("t-ran", 2, exitCode: 0);
        await first.ReadAckAsync("t-ran", 2);
        await first.DisposeAsync();

        var (second, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token);
        await using var _ = second;
        await cluster.DispatchAsync("t-next", "n1");

        Assert.Equal(["t-next"], await ReadDispatchesUntilAsync(second, "t-next")); // a node that forgot t-ran would have run it again
    }

    [Fact]
    public async Task Dispatch_UnconfirmedButAccepted_NotRedeliveredAfterReconnect()
    {
        await using var cluster = await HubFixture.StartAsync(StorageKind.Sqlite);
        var token = await cluster.ProvisionAsync("n1");
        var (first, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token);
        await cluster.DispatchAsync("t-accepted", "n1");
        await first.ReadDispatchAsync("t-accepted");
        // Its CommandAck is lost with the stream; its durable `accepted` shows the node has the dispatch.
        await first.SendEventAsync("t-accepted", 1, e => e.Accepted = new TaskAccepted());
        await first.ReadAckAsync("t-accepted", 1);
        await first.DisposeAsync();

        var (second, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token, new RunningTask { TaskId = "t-accepted", LastSequenceSent = 1 });
        await using var _ = second;
        await cluster.DispatchAsync("t-next", "n1");

        Assert.Equal(["t-next"], await ReadDispatchesUntilAsync(second, "t-next"));
    }

    [Fact]
    public async Task RunningTask_LostAfterGrace_NodeThatComesBackWithItIsToldToStopIt()
    {
        await using var cluster = await HubFixture.StartAsync(StorageKind.Sqlite, configure: o => o.Configuration["CortexHub:Journal:LostGrace"] = "00:00:02");
        var token = await cluster.ProvisionAsync("n1");
        var (first, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token);
        await cluster.DispatchAsync("t-away", "n1", "sleep 1000");
        var dispatch = (await first.ReadDispatchAsync("t-away")).Dispatch;
        await first.SendAsync(new NodeMessage { CommandAck = new CommandAck { CommandId = dispatch.CommandId } });
        await first.SendEventAsync("t-away", 1, e => e.Started = new TaskStarted { Pid = 42 });
        await first.ReadAckAsync("t-away", 1);
        await first.DisposeAsync(); // away past the grace, its process still running

        await TestCluster.WaitUntilAsync(async () => (await cluster.GetGrain<ITaskGrain>("t-away").GetAsync()).State == TaskState.Lost, Wait, "the task is lost");
        var (second, welcome) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token, new RunningTask { TaskId = "t-away", LastSequenceSent = 1 });
        await using var _ = second;

        Assert.True(welcome.Resume.Single().Known);
        var cancel = await second.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Cancel && m.Cancel.TaskId == "t-away", Wait);
        Assert.Contains("did not come back", cancel.Cancel.Reason);
    }

    /// <summary>The task ids of every dispatch the node receives, up to and including <paramref name="taskId"/>'s.</summary>
    private static async Task<List<string>> ReadDispatchesUntilAsync(TestNode node, string taskId)
    {
        var delivered = new List<string>();
        HubMessage message;
        do
        {
            message = await node.ReadAsync(Wait);
            if (message.BodyCase == HubMessage.BodyOneofCase.Dispatch)
            {
                delivered.Add(message.Dispatch.TaskId);
            }
        }
        while (message.BodyCase != HubMessage.BodyOneofCase.Dispatch || message.Dispatch.TaskId != taskId);

        return delivered;
    }

    [Fact]
    public async Task Events_GapInSequence_AcksOnlyTheContiguousPrefix()
    {
        await using var cluster = await HubFixture.StartAsync(StorageKind.Sqlite);
        var token = await cluster.ProvisionAsync("n1");
        var (node, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token);
        await using var _ = node;
        await cluster.DispatchAsync("t-gap", "n1");

        await node.SendEventAsync("t-gap", 1, e => e.Accepted = new TaskAccepted());
        await node.SendOutputAsync("t-gap", 2, "a");
        await node.SendOutputAsync("t-gap", 4, "lost-order");
        Assert.Equal(2, await node.ReadAckAsync("t-gap", 2));
        await node.SendOutputAsync("t-gap", 3, "b");
        await node.SendOutputAsync("t-gap", 4, "c");

        Assert.Equal(4, await node.ReadAckAsync("t-gap", 4));
        var outputs = (await cluster.GetGrain<ITaskGrain>("t-gap").ReadEventsAsync(0, 10)).Where(e => e.Kind == TaskEventKind.Output);
        Assert.Equal("abc", string.Concat(outputs.Select(e => Encoding.UTF8.GetString(e.Data))));
    }

    [Fact]
    public async Task Connect_SecondStreamSameNode_ReplacesTheFirst()
    {
        await using var cluster = await HubFixture.StartAsync(StorageKind.Sqlite);
        var token = await cluster.ProvisionAsync("n1");
        var (first, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token);
        await using var f = first;

        var (second, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token);
        await using var s = second;

        Assert.Equal(StatusCode.Aborted, (await first.ReadToEndAsync(Wait)).StatusCode);
        var snapshot = await cluster.GetGrain<INodeGrain>("n1").GetAsync();
        Assert.Equal(NodeStatus.Online, snapshot.Status);
        Assert.StartsWith("127.0.0.1:", snapshot.Address); // host:port, without gRPC's "ipv4:" prefix
    }

    [Fact]
    public async Task Connect_SecondStreamOnAnotherSilo_ReplacesTheFirstThere()
    {
        await using var cluster = await HubFixture.StartAsync(StorageKind.Postgres, silos: 2);
        var token = await cluster.ProvisionAsync("n1");
        var (first, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token);
        await using var f = first;

        var (second, welcome) = await TestNode.ConnectAsync(cluster[1].GrpcAddress, "n1", token);
        await using var s = second;

        Assert.Equal(StatusCode.Aborted, (await first.ReadToEndAsync(Wait)).StatusCode);
        Assert.Equal(cluster[1].SiloId, welcome.SiloId);
        Assert.Equal(cluster[1].SiloId, (await cluster.GetGrain<INodeGrain>("n1", silo: 0).GetAsync()).SiloId);
    }

    [Fact]
    public async Task Dispatch_CreatedOnAnotherSilo_ReachesTheNodeThroughItsSilo()
    {
        await using var cluster = await HubFixture.StartAsync(StorageKind.Postgres, silos: 2,
            configure: o => o.Configuration["CortexHub:Gateway:OutboxPollInterval"] = "00:01:00");
        var token = await cluster.ProvisionAsync("n1");
        var (node, _) = await TestNode.ConnectAsync(cluster[1].GrpcAddress, "n1", token);
        await using var _ = node;

        // The poll is a minute away: only the node grain's call to the stream's observer can deliver this in time.
        await cluster.DispatchAsync("t-cross", "n1", silo: 0);

        Assert.Equal("t-cross", (await node.ReadDispatchAsync("t-cross")).Dispatch.TaskId);
    }

    [Fact]
    public async Task TaskGrain_PlacedBesideItsNodesStream_FollowsTheNodeToAnotherSilo()
    {
        await using var cluster = await HubFixture.StartAsync(StorageKind.Postgres, silos: 2);
        var token = await cluster.ProvisionAsync("n1");
        var (first, _) = await TestNode.ConnectAsync(cluster[1].GrpcAddress, "n1", token);
        await using var f = first;

        // Dispatched through silo 0, naming the node's silo as the API does.
        BesideNodePlacement.Hint(cluster[1].SiloId);
        await cluster.DispatchAsync("t-near", "n1", silo: 0);
        Orleans.Runtime.RequestContext.Clear();
        Assert.Equal(cluster[1].OrleansSilo, await ActivationSiloAsync(cluster, "t-near"));
        await first.ReadDispatchAsync("t-near");
        await first.SendOutputAsync("t-near", 1, "on silo 1\n");
        Assert.Equal(1, await first.ReadAckAsync("t-near", 1));

        // The node moves to silo 0: its next writes bring the task grain along (a write arriving
        // while a reminder had started it elsewhere moves it again).
        await first.DisposeAsync();
        var (second, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token, new RunningTask { TaskId = "t-near", LastSequenceSent = 1 });
        await using var s = second;
        var sent = 1;
        do
        {
            sent++;
            await second.SendOutputAsync("t-near", sent, $"line {sent}\n");
            Assert.Equal(sent, await second.ReadAckAsync("t-near", sent));
        }
        while (await ActivationSiloAsync(cluster, "t-near") != cluster[0].OrleansSilo && sent < 20);

        Assert.Equal(cluster[0].OrleansSilo, await ActivationSiloAsync(cluster, "t-near"));
        var outputs = (await cluster.GetGrain<ITaskGrain>("t-near").ReadEventsAsync(0, 1000)).Select(e => Encoding.UTF8.GetString(e.Data));
        Assert.Equal(Enumerable.Range(2, sent - 1).Select(i => $"line {i}\n").Prepend("on silo 1\n"), outputs);
    }

    private static async Task<string?> ActivationSiloAsync(TestCluster cluster, string taskId)
    {
        var management = cluster[0].Cluster.GetGrain<Orleans.Runtime.IManagementGrain>(0);
        return (await management.GetActivationAddress(cluster.GetGrain<ITaskGrain>(taskId)))?.ToString();
    }

    [Fact]
    public async Task SiloKilled_NodeReconnectsElsewhere_ResumesWithoutLossOrDuplicates()
    {
        await using var cluster = await HubFixture.StartAsync(StorageKind.Postgres, silos: 2);
        var token = await cluster.ProvisionAsync("n1");
        await cluster.DispatchAsync("t-move", "n1");
        var (node, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token);
        await node.ReadDispatchAsync("t-move");
        for (var seq = 1; seq <= 5; seq++)
        {
            await node.SendOutputAsync("t-move", seq, $"line {seq}\n");
        }

        Assert.Equal(5, await node.ReadAckAsync("t-move", 5));
        await node.SendOutputAsync("t-move", 6, "line 6\n"); // may or may not be durable when the silo dies
        cluster.KillSilo(0);
        await node.DisposeAsync();

        var (again, welcome) = await TestNode.ConnectAsync(cluster[1].GrpcAddress, "n1", token, new RunningTask { TaskId = "t-move", LastSequenceSent = 6 });
        await using var _ = again;
        var resume = Assert.Single(welcome.Resume);
        Assert.True(resume.Known);
        for (var seq = (long)resume.AckedSequence + 1; seq <= 8; seq++)
        {
            await again.SendOutputAsync("t-move", seq, $"line {seq}\n");
        }

        Assert.Equal(8, await again.ReadAckAsync("t-move", 8));
        var outputs = (await cluster.GetGrain<ITaskGrain>("t-move", silo: 1).ReadEventsAsync(0, 100)).Select(e => Encoding.UTF8.GetString(e.Data));
        Assert.Equal(Enumerable.Range(1, 8).Select(i => $"line {i}\n"), outputs);
    }

    [Fact]
    public async Task Terminal_DeprecatedOutput_AcceptedAndIgnored_StreamGoesOn()
    {
        // A node's terminal is its sessions (protocol §10): older nodes still send TerminalOutput, which is dropped without ending the stream.
        await using var cluster = await HubFixture.StartAsync(StorageKind.Sqlite);
        var token = await cluster.ProvisionAsync("n1");
        var (node, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token);
        await using var _ = node;
#pragma warning disable CS0612 // deprecated in the proto: sending it is the point
        await node.SendAsync(new NodeMessage { Terminal = new TerminalOutput { Data = Google.Protobuf.ByteString.CopyFromUtf8("$ ls\n") } });
        await node.SendAsync(new NodeMessage { Terminal = new TerminalOutput() });
#pragma warning restore CS0612

        await cluster.DispatchAsync("t-after", "n1", "echo still");
        var dispatch = (await node.ReadDispatchAsync("t-after")).Dispatch;
        await node.SendAsync(new NodeMessage { CommandAck = new CommandAck { CommandId = dispatch.CommandId } });
        await node.SendEventAsync("t-after", 1, e => e.Accepted = new TaskAccepted());
        await node.SendEventAsync("t-after", 2, e => e.Started = new TaskStarted { Pid = 7 });
        await node.SendOutputAsync("t-after", 3, "still\n");
        await node.SendResultAsync("t-after", 4, exitCode: 0);
        Assert.Equal(4, await node.ReadAckAsync("t-after", 4));
        Assert.Equal(TaskState.Succeeded, (await cluster.GetGrain<ITaskGrain>("t-after").GetAsync()).State);
        Assert.Equal(NodeStatus.Online, (await cluster.GetGrain<INodeGrain>("n1").GetAsync()).Status);
    }

    [Fact]
    public async Task Welcome_UnknownRunningTask_MarkedUnknown()
    {
        await using var cluster = await HubFixture.StartAsync(StorageKind.Sqlite);
        var token = await cluster.ProvisionAsync("n1");

        var (node, welcome) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token, new RunningTask { TaskId = "ghost", LastSequenceSent = 3 });
        await node.DisposeAsync();

        Assert.False(Assert.Single(welcome.Resume).Known);
    }

    [Fact]
    public async Task Shutdown_ConnectedNode_ToldToDrain()
    {
        await using var cluster = await HubFixture.StartAsync(StorageKind.Sqlite);
        var token = await cluster.ProvisionAsync("n1");
        var (node, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token);
        await using var _ = node;

        var stopping = cluster.StopSiloAsync(0);
        var drain = await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Drain, Wait);
        await stopping;

        Assert.Contains("shutting down", drain.Drain.Reason);
    }
}
