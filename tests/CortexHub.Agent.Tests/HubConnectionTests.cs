using CortexHub.Agent.Connection;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace CortexHub.Agent.Tests;

/// <summary>The agent in-process against a scripted hub speaking NodeLink over real HTTP/2.</summary>
public sealed class HubConnectionTests : IAsyncLifetime
{
    private FakeHub _hub = null!;
    private readonly CancellationTokenSource _stop = new();

    public async Task InitializeAsync() => _hub = await FakeHub.StartAsync();

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _hub.DisposeAsync();
        _stop.Dispose();
    }

    private AgentOptions Options(TimeSpan? initialBackoff = null)
    {
        var options = new AgentOptions
        {
            Hub = _hub.Address,
            NodeId = "node-1",
            Token = "token-1",
            Hostname = "test-host",
            ShutdownGrace = TimeSpan.FromSeconds(10),
            Reconnect = new BackoffOptions { InitialDelay = initialBackoff ?? TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromHours(1) },
        };
        options.Labels["gpu"] = "none";
        return options;
    }

    private static async Task<(TaskEvent Accepted, NodeMessage Ack)> ExpectAckThenAcceptedAsync(FakeHubSession session, DispatchTask dispatch)
    {
        var ack = await session.ReadSkippingHeartbeatsAsync();
        Assert.Equal(dispatch.CommandId, ack!.CommandAck.CommandId);
        var accepted = await session.ReadSkippingHeartbeatsAsync();
        Assert.Equal(TaskEvent.EventOneofCase.Accepted, accepted!.TaskEvent.EventCase);
        Assert.Equal(1UL, accepted.TaskEvent.Sequence);
        return (accepted.TaskEvent, ack);
    }

    [Fact]
    public async Task RunAsync_HubRejectsToken_ReturnsUnauthenticatedExitCode()
    {
        await using var agent = new NodeAgent(Options(), NullLoggerFactory.Instance);
        var run = agent.RunAsync(_stop.Token);

        var session = await _hub.NextSessionAsync();
        session.Fail(StatusCode.Unauthenticated, "bad token");

        Assert.Equal(AgentExitCodes.Unauthenticated, await run.WaitAsync(TestTimeouts.Default));
        Assert.Equal(("node-1", "token-1", "test-host"), (session.Hello.NodeId, session.Hello.Token, session.Hello.Hostname));
        Assert.Equal("none", session.Hello.Labels["gpu"]);
        Assert.False(string.IsNullOrEmpty(session.Hello.AgentVersion));
        Assert.Empty(session.Hello.RunningTasks);
    }

    [Fact]
    public async Task RunAsync_Dispatch_AcknowledgesThenStreamsEventsAndForgetsTaskAfterAck()
    {
        await using var agent = new NodeAgent(Options(), NullLoggerFactory.Instance);
        var run = agent.RunAsync(_stop.Token);
        var session = await _hub.NextSessionAsync();
        await session.WelcomeAsync();
        var dispatch = Dispatches.Of("printf out; printf err >&2; exit 4");

        await session.SendAsync(new HubMessage { Dispatch = dispatch });
        await ExpectAckThenAcceptedAsync(session, dispatch);
        var events = await session.ReadTaskUntilResultAsync(dispatch.TaskId);

        Assert.Equal(Enumerable.Range(2, events.Count).Select(i => (ulong)i), events.Select(e => e.Sequence));
        Assert.Equal(TaskEvent.EventOneofCase.Started, events[0].EventCase);
        Assert.Equal("out", string.Concat(events.Where(e => e.Output?.Stream == OutputStream.Stdout).Select(e => e.Output.Data.ToStringUtf8())));
        Assert.Equal("err", string.Concat(events.Where(e => e.Output?.Stream == OutputStream.Stderr).Select(e => e.Output.Data.ToStringUtf8())));
        Assert.Equal((TaskOutcome.Exited, 4), (events[^1].Result.Outcome, events[^1].Result.ExitCode));

        await session.SendAsync(new HubMessage { Ack = new Ack { TaskId = dispatch.TaskId, Sequence = events[^1].Sequence } });
        await agent.Tasks.WaitUntilEmptyAsync(CancellationToken.None).WaitAsync(TestTimeouts.Default);
        await _stop.CancelAsync();
        Assert.Equal(AgentExitCodes.Ok, await run.WaitAsync(TestTimeouts.Default));
    }

    [Fact]
    public async Task RunAsync_RepeatedDispatchAndCancel_AreAcknowledgedEachTime()
    {
        await using var agent = new NodeAgent(Options(), NullLoggerFactory.Instance);
        var run = agent.RunAsync(_stop.Token);
        var session = await _hub.NextSessionAsync();
        await session.WelcomeAsync();
        var dispatch = Dispatches.Of("echo ready; sleep 1000");
        await session.SendAsync(new HubMessage { Dispatch = dispatch });
        await ExpectAckThenAcceptedAsync(session, dispatch);

        await session.SendAsync(new HubMessage { Dispatch = dispatch });
        var cancel = new CancelTask { CommandId = "cancel-1", TaskId = dispatch.TaskId, Reason = "stop it" };
        await session.SendAsync(new HubMessage { Cancel = cancel });
        await session.SendAsync(new HubMessage { Cancel = cancel });

        var ackedCommands = new List<string>();
        var taskEvents = new List<TaskEvent>();
        while (taskEvents.LastOrDefault()?.EventCase != TaskEvent.EventOneofCase.Result || ackedCommands.Count < 3)
        {
            var message = await session.ReadSkippingHeartbeatsAsync();
            if (message!.BodyCase == NodeMessage.BodyOneofCase.CommandAck)
            {
                ackedCommands.Add(message.CommandAck.CommandId);
            }
            else
            {
                taskEvents.Add(message.TaskEvent);
            }
        }

        Assert.Equal([dispatch.CommandId, "cancel-1", "cancel-1"], ackedCommands);
        Assert.Single(taskEvents, e => e.EventCase == TaskEvent.EventOneofCase.Started); // started once only
        Assert.Equal(TaskOutcome.Cancelled, taskEvents[^1].Result.Outcome);
    }

    [Fact]
    public async Task RunAsync_StreamEndsBeforeAck_ReconnectsListsTaskAndResendsFromWelcome()
    {
        await using var agent = new NodeAgent(Options(), NullLoggerFactory.Instance);
        var run = agent.RunAsync(_stop.Token);
        var first = await _hub.NextSessionAsync();
        await first.WelcomeAsync();
        var dispatch = Dispatches.Of("echo one; echo two");
        await first.SendAsync(new HubMessage { Dispatch = dispatch });
        await ExpectAckThenAcceptedAsync(first, dispatch);
        var sent = await first.ReadTaskUntilResultAsync(dispatch.TaskId); // sequences 2..last
        var last = sent[^1].Sequence;

        first.End(); // the silo went away without acknowledging anything
        var second = await _hub.NextSessionAsync();
        var listed = Assert.Single(second.Hello.RunningTasks);
        Assert.Equal((dispatch.TaskId, last), (listed.TaskId, listed.LastSequenceSent));
        await second.WelcomeAsync(resume: new TaskResume { TaskId = dispatch.TaskId, AckedSequence = 2, Known = true });
        var resent = await second.ReadTaskUntilResultAsync(dispatch.TaskId);

        Assert.Equal(Enumerable.Range(3, (int)last - 2).Select(i => (ulong)i), resent.Select(e => e.Sequence));
        Assert.Equal(sent.Skip(1), resent);
        await second.SendAsync(new HubMessage { Ack = new Ack { TaskId = dispatch.TaskId, Sequence = last } });
        await agent.Tasks.WaitUntilEmptyAsync(CancellationToken.None).WaitAsync(TestTimeouts.Default);
    }

    [Fact]
    public async Task RunAsync_WelcomeSaysTaskUnknown_KillsAndForgetsIt()
    {
        await using var agent = new NodeAgent(Options(), NullLoggerFactory.Instance);
        var run = agent.RunAsync(_stop.Token);
        var first = await _hub.NextSessionAsync();
        await first.WelcomeAsync();
        var dispatch = Dispatches.Of("sleep 1000");
        await first.SendAsync(new HubMessage { Dispatch = dispatch });
        await ExpectAckThenAcceptedAsync(first, dispatch);
        var started = await first.ReadSkippingHeartbeatsAsync();
        var pid = started!.TaskEvent.Started.Pid;
        var runnerDone = agent.Tasks.Find(dispatch.TaskId)!.Runner.Completion;

        first.End();
        var second = await _hub.NextSessionAsync();
        Assert.Single(second.Hello.RunningTasks);
        await second.WelcomeAsync(resume: new TaskResume { TaskId = dispatch.TaskId, Known = false });

        await agent.Tasks.WaitUntilEmptyAsync(CancellationToken.None).WaitAsync(TestTimeouts.Default);
        await runnerDone.WaitAsync(TestTimeouts.Default);
        Assert.Null(agent.Tasks.Find(dispatch.TaskId));
        Assert.Empty(ProcessTable.AllGroupMembers(pid));
    }

    [Fact]
    public async Task RunAsync_Drain_ReconnectsAtOnceWithoutBackoff()
    {
        // A backoff delay would be an hour: only an immediate reconnect lets the second session arrive.
        await using var agent = new NodeAgent(Options(initialBackoff: TimeSpan.FromHours(1)), NullLoggerFactory.Instance);
        var run = agent.RunAsync(_stop.Token);
        var first = await _hub.NextSessionAsync();
        await first.WelcomeAsync();
        var firstEnd = first.ReadAsync();

        await first.SendAsync(new HubMessage { Drain = new Drain { Reason = "silo shutting down" } });

        Assert.Null(await firstEnd); // the node half-closed the drained stream
        var second = await _hub.NextSessionAsync();
        Assert.Equal("node-1", second.Hello.NodeId);
    }

    [Fact]
    public async Task RunAsync_NoWelcomeInTime_GivesUpOnTheStreamAndReconnects()
    {
        var options = Options();
        options.WelcomeTimeout = TimeSpan.FromMilliseconds(200);
        await using var agent = new NodeAgent(options, NullLoggerFactory.Instance);
        var run = agent.RunAsync(_stop.Token);
        var silent = await _hub.NextSessionAsync();
        var silentEnd = silent.ReadAsync();

        var second = await _hub.NextSessionAsync();

        Assert.Equal("node-1", second.Hello.NodeId);

        // The node gave up on the first stream: it was reset (usually) or ended, never continued.
        try
        {
            Assert.Null(await silentEnd);
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            // Reset.
        }
    }

    [Fact]
    public async Task RunAsync_HubGoesSilentWithoutClosing_KeepAlivePingTimesOutAndReconnects()
    {
        // The relay keeps taking the node's bytes (heartbeats included) but delivers nothing either way, and never
        // closes: only an unanswered HTTP/2 PING can tell the agent that the hub is gone.
        await using var relay = StallingRelay.Start(_hub.Address);
        var options = Options();
        options.Hub = relay.Address;
        options.KeepAlivePingDelay = TimeSpan.FromSeconds(1);
        options.KeepAlivePingTimeout = TimeSpan.FromSeconds(1);
        await using var agent = new NodeAgent(options, NullLoggerFactory.Instance);
        var run = agent.RunAsync(_stop.Token);
        var first = await _hub.NextSessionAsync();
        await first.WelcomeAsync(heartbeatIntervalMs: 50);
        Assert.Equal(NodeMessage.BodyOneofCase.Heartbeat, (await first.ReadAsync())!.BodyCase); // Welcome went through

        relay.StallOpenConnections();

        var second = await _hub.NextSessionAsync();
        Assert.Equal("node-1", second.Hello.NodeId);
    }

    [Fact]
    public async Task RunAsync_HeartbeatInterval_SendsHeartbeatsWithRunningTaskCount()
    {
        await using var agent = new NodeAgent(Options(), NullLoggerFactory.Instance);
        var run = agent.RunAsync(_stop.Token);
        var session = await _hub.NextSessionAsync();
        await session.WelcomeAsync(heartbeatIntervalMs: 50);
        var dispatch = Dispatches.Of("echo ready; sleep 1000");
        await session.SendAsync(new HubMessage { Dispatch = dispatch });

        Heartbeat? heartbeat = null;
        while (heartbeat is not { RunningTasks: 1 })
        {
            var message = await session.ReadAsync();
            heartbeat = message!.BodyCase == NodeMessage.BodyOneofCase.Heartbeat ? message.Heartbeat : heartbeat;
        }

        Assert.True(heartbeat.SentAtUnixMs > 0);
    }

    [Fact]
    public async Task RunAsync_Stopped_KillsRunningTasksReportsCancelledAndReturnsOk()
    {
        await using var agent = new NodeAgent(Options(), NullLoggerFactory.Instance);
        var run = agent.RunAsync(_stop.Token);
        var session = await _hub.NextSessionAsync();
        await session.WelcomeAsync();
        var dispatch = Dispatches.Of("sleep 1000");
        await session.SendAsync(new HubMessage { Dispatch = dispatch });
        await ExpectAckThenAcceptedAsync(session, dispatch);
        var pid = (await session.ReadSkippingHeartbeatsAsync())!.TaskEvent.Started.Pid;

        await _stop.CancelAsync();
        var events = await session.ReadTaskUntilResultAsync(dispatch.TaskId);
        Assert.Equal(TaskOutcome.Cancelled, events[^1].Result.Outcome);
        await session.SendAsync(new HubMessage { Ack = new Ack { TaskId = dispatch.TaskId, Sequence = events[^1].Sequence } });

        Assert.Equal(AgentExitCodes.Ok, await run.WaitAsync(TestTimeouts.Default));
        Assert.Empty(ProcessTable.AllGroupMembers(pid));
    }

    [Fact]
    public async Task RunAsync_HubUnreachable_KeepsRetryingUntilStopped()
    {
        var options = Options();
        options.Hub = new Uri("http://127.0.0.1:1");
        var attempts = 0;
        var thirdAttempt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registry = new TaskRegistry(options.Tasks, TimeProvider.System, NullLoggerFactory.Instance);
        var connection = new HubConnection(options, registry, TimeProvider.System, NullLoggerFactory.Instance, channelFactory: address =>
        {
            if (Interlocked.Increment(ref attempts) == 3)
            {
                thirdAttempt.TrySetResult();
            }

            return HubChannelFactory.Create(address, options);
        });

        var run = connection.RunAsync(_stop.Token);
        await thirdAttempt.Task.WaitAsync(TestTimeouts.Default);
        await _stop.CancelAsync();

        Assert.Equal(AgentExitCodes.Ok, await run.WaitAsync(TestTimeouts.Default));
    }
}
