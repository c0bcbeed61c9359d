using Grpc.Core;

namespace CortexHub.Agent.Tests;

/// <summary>The built cortex-agent executable against a scripted hub: exit codes and signals.</summary>
public sealed class AgentProcessTests : IAsyncLifetime
{
    private FakeHub _hub = null!;

    public async Task InitializeAsync() => _hub = await FakeHub.StartAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    private string[] Args(params string[] more) =>
        ["--hub", _hub.Address.ToString(), "--node-id", "proc-node", .. more];

    [Fact]
    public async Task AgentProcess_HubRejectsToken_ExitsWith3()
    {
        using var agent = AgentProcess.Start(Args(), new Dictionary<string, string> { [AgentOptions.TokenEnvironmentVariable] = "wrong" });

        var session = await _hub.NextSessionAsync();
        Assert.Equal("wrong", session.Hello.Token);
        session.Fail(StatusCode.Unauthenticated, "unknown token");

        Assert.Equal(AgentExitCodes.Unauthenticated, await agent.WaitForExitAsync());
        Assert.Contains("UNAUTHENTICATED", agent.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", agent.Stderr, StringComparison.Ordinal); // the token is never logged
    }

    [Fact]
    public async Task AgentProcess_Sigterm_KillsRunningTaskReportsCancelledAndExits0()
    {
        using var agent = AgentProcess.Start(Args("--token", "t", "--label", "role=test"));
        var session = await _hub.NextSessionAsync();
        Assert.Equal("test", session.Hello.Labels["role"]);
        await session.WelcomeAsync();
        var dispatch = Dispatches.Of("sleep 1000 & sleep 1000; wait");
        await session.SendAsync(new HubMessage { Dispatch = dispatch });
        Assert.Equal(dispatch.CommandId, (await session.ReadSkippingHeartbeatsAsync())!.CommandAck.CommandId);
        var events = new List<TaskEvent>();
        while (events.LastOrDefault()?.EventCase != TaskEvent.EventOneofCase.Started)
        {
            events.Add((await session.ReadSkippingHeartbeatsAsync())!.TaskEvent);
        }

        var pgid = events[^1].Started.Pid;
        agent.Terminate();
        var rest = await session.ReadTaskUntilResultAsync(dispatch.TaskId);
        Assert.Equal(TaskOutcome.Cancelled, rest[^1].Result.Outcome);
        await session.SendAsync(new HubMessage { Ack = new Ack { TaskId = dispatch.TaskId, Sequence = rest[^1].Sequence } });

        Assert.Equal(AgentExitCodes.Ok, await agent.WaitForExitAsync());
        Assert.Empty(ProcessTable.AllGroupMembers(pgid));
    }

    [Fact]
    public async Task AgentProcess_50MbBurstWithSlowAcks_EveryByteArrivesAndResidentMemoryStaysBounded()
    {
        const long total = 50_000_000;
        using var agent = AgentProcess.Start(Args("--token", "t", "--max-unacked-bytes", "1048576"));
        var session = await _hub.NextSessionAsync();
        await session.WelcomeAsync();
        var dispatch = Dispatches.Of($"head -c {total} /dev/zero | tr '\\0' 'x'");
        await session.SendAsync(new HubMessage { Dispatch = dispatch });

        long received = 0;
        long peakResident = 0;
        ulong expected = 1;
        var sinceAck = 0;
        TaskResult? result = null;
        while (result is null)
        {
            var message = (await session.ReadSkippingHeartbeatsAsync())!;
            if (message.BodyCase != NodeMessage.BodyOneofCase.TaskEvent)
            {
                continue;
            }

            var taskEvent = message.TaskEvent;
            Assert.Equal(expected++, taskEvent.Sequence);
            if (taskEvent.EventCase == TaskEvent.EventOneofCase.Output)
            {
                Assert.True(taskEvent.Output.Data.Span.IndexOfAnyExcept((byte)'x') < 0);
                received += taskEvent.Output.Data.Length;
            }

            result = taskEvent.EventCase == TaskEvent.EventOneofCase.Result ? taskEvent.Result : null;

            // A hub that acknowledges in batches, as a journal flushing every 32 events would.
            if (++sinceAck == 32 || result is not null)
            {
                sinceAck = 0;
                peakResident = Math.Max(peakResident, ProcessTable.ResidentBytes(agent.Id));
                await session.SendAsync(new HubMessage { Ack = new Ack { TaskId = dispatch.TaskId, Sequence = taskEvent.Sequence } });
            }
        }

        Assert.Equal(total, received);
        Assert.Equal(TaskOutcome.Exited, result.Outcome);
        Assert.True(peakResident < 150_000_000, $"agent peak RSS {peakResident / 1_000_000} MB");
    }
}
