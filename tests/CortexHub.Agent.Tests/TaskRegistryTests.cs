using Microsoft.Extensions.Logging.Abstractions;

namespace CortexHub.Agent.Tests;

public sealed class TaskRegistryTests
{
    private static TaskRegistry CreateRegistry(long maxUnackedBytes = TaskRegistryOptions.DefaultMaxUnackedBytes) =>
        new(new TaskRegistryOptions { MaxUnackedBytes = maxUnackedBytes }, TimeProvider.System, NullLoggerFactory.Instance);

    private static Func<ValueTask> CountingAck(StrongBox<int> count) => () =>
    {
        Interlocked.Increment(ref count.Value);
        return ValueTask.CompletedTask;
    };

    [Fact]
    public async Task DispatchAsync_SameCommandTwice_StartsOnceAndAcknowledgesBoth()
    {
        await using var registry = CreateRegistry();
        await using var hub = new RegistryHub(registry, autoAck: false);
        var acks = new StrongBox<int>();
        var dispatch = Dispatches.Of("echo once");

        var first = await registry.DispatchAsync(dispatch, CountingAck(acks));
        var second = await registry.DispatchAsync(dispatch.Clone(), CountingAck(acks));
        await hub.WaitForResultAsync(dispatch.TaskId);

        Assert.Equal((DispatchDecision.Started, DispatchDecision.DuplicateCommand), (first, second));
        Assert.Equal(2, acks.Value);
        Assert.Single(hub.EventsOf(dispatch.TaskId), e => e.EventCase == TaskEvent.EventOneofCase.Accepted);
        Assert.Empty(hub.Violations);
    }

    [Fact]
    public async Task DispatchAsync_NewCommandForTaskStillHeld_AcknowledgesButDoesNotStartAgain()
    {
        await using var registry = CreateRegistry();
        await using var hub = new RegistryHub(registry, autoAck: false);
        var acks = new StrongBox<int>();
        var dispatch = Dispatches.Of("echo once");
        await registry.DispatchAsync(dispatch, CountingAck(acks));
        await hub.WaitForResultAsync(dispatch.TaskId); // finished, but its events are not acknowledged

        var again = Dispatches.Of("echo once", taskId: dispatch.TaskId);
        var decision = await registry.DispatchAsync(again, CountingAck(acks));

        Assert.Equal(DispatchDecision.DuplicateTask, decision);
        Assert.Equal(2, acks.Value);
        Assert.Single(hub.EventsOf(dispatch.TaskId), e => e.EventCase == TaskEvent.EventOneofCase.Accepted);
    }

    [Fact]
    public async Task DispatchAsync_RedeliveredAfterTaskWasForgotten_IsStillADuplicateCommand()
    {
        await using var registry = CreateRegistry();
        await using var hub = new RegistryHub(registry);
        var dispatch = Dispatches.Of("true");
        await registry.DispatchAsync(dispatch, () => ValueTask.CompletedTask);
        await hub.WaitForResultAsync(dispatch.TaskId);
        await registry.WaitUntilEmptyAsync(CancellationToken.None).WaitAsync(TestTimeouts.Default);

        var decision = await registry.DispatchAsync(dispatch.Clone(), () => ValueTask.CompletedTask);

        Assert.Equal(DispatchDecision.DuplicateCommand, decision);
        Assert.Equal(0, registry.Count);
    }

    [Fact]
    public async Task DispatchAsync_NoTaskId_AcknowledgesAndRunsNothing()
    {
        await using var registry = CreateRegistry();
        var acks = new StrongBox<int>();

        var decision = await registry.DispatchAsync(new DispatchTask { CommandId = "c", Command = "echo" }, CountingAck(acks));

        Assert.Equal(DispatchDecision.Invalid, decision);
        Assert.Equal(1, acks.Value);
        Assert.Equal(0, registry.Count);
    }

    [Fact]
    public async Task DispatchAsync_AcknowledgementComesBeforeTheFirstEvent()
    {
        await using var registry = CreateRegistry();
        var eventsWhenAcked = -1;
        var dispatch = Dispatches.Of("true");

        await registry.DispatchAsync(dispatch, () =>
        {
            eventsWhenAcked = registry.Find(dispatch.TaskId)!.Events.UnackedCount;
            return ValueTask.CompletedTask;
        });

        Assert.Equal(0, eventsWhenAcked);
    }

    [Fact]
    public async Task Acknowledge_ResultOfFinishedTask_ForgetsTheTask()
    {
        await using var registry = CreateRegistry();
        await using var hub = new RegistryHub(registry, autoAck: false);
        var dispatch = Dispatches.Of("echo done");
        await registry.DispatchAsync(dispatch, () => ValueTask.CompletedTask);
        await hub.WaitForResultAsync(dispatch.TaskId);
        var last = hub.EventsOf(dispatch.TaskId)[^1].Sequence;

        registry.Acknowledge(dispatch.TaskId, last - 1);
        Assert.Equal(1, registry.Count);
        registry.Acknowledge(dispatch.TaskId, last);

        Assert.Equal(0, registry.Count);
        Assert.Null(registry.Find(dispatch.TaskId));
    }

    [Fact]
    public async Task CancelAsync_RunningTask_AcknowledgesAndEndsItCancelled()
    {
        await using var registry = CreateRegistry();
        await using var hub = new RegistryHub(registry);
        var dispatch = Dispatches.Of("sleep 1000");
        await registry.DispatchAsync(dispatch, () => ValueTask.CompletedTask);
        var acks = new StrongBox<int>();

        await registry.CancelAsync(new CancelTask { CommandId = "cancel-1", TaskId = dispatch.TaskId, Reason = "no longer needed" }, CountingAck(acks));
        var result = await hub.WaitForResultAsync(dispatch.TaskId);

        Assert.Equal(1, acks.Value);
        Assert.Equal(TaskOutcome.Cancelled, result.Outcome);
        Assert.Contains("no longer needed", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelAsync_UnknownTask_OnlyAcknowledges()
    {
        await using var registry = CreateRegistry();
        var acks = new StrongBox<int>();

        await registry.CancelAsync(new CancelTask { CommandId = "c", TaskId = "nope" }, CountingAck(acks));

        Assert.Equal(1, acks.Value);
        Assert.Equal(0, registry.Count);
    }

    [Fact]
    public async Task GetRunningTasks_TaskWithSentEvents_ReportsHighestSequenceSent()
    {
        await using var registry = CreateRegistry();
        await using var hub = new RegistryHub(registry, autoAck: false);
        var dispatch = Dispatches.Of("echo hi");
        await registry.DispatchAsync(dispatch, () => ValueTask.CompletedTask);
        await hub.WaitForResultAsync(dispatch.TaskId);

        var running = Assert.Single(registry.GetRunningTasks());

        Assert.Equal(dispatch.TaskId, running.TaskId);
        Assert.Equal(hub.EventsOf(dispatch.TaskId)[^1].Sequence, running.LastSequenceSent);
    }

    [Fact]
    public async Task Resume_HubHoldsPartOfTheEvents_ResendsTheRestInOrder()
    {
        await using var registry = CreateRegistry();
        await using var hub = new RegistryHub(registry, autoAck: false);
        var dispatch = Dispatches.Of("echo one; echo two >&2");
        await registry.DispatchAsync(dispatch, () => ValueTask.CompletedTask);
        await hub.WaitForResultAsync(dispatch.TaskId);
        var sentFirst = hub.EventsOf(dispatch.TaskId);

        // A new stream: the hub made events 1..2 durable; everything after is lost in flight.
        hub.ForgetReceived(dispatch.TaskId, keepUpTo: 2);
        hub.AutoAck = true;
        registry.Resume([new TaskResume { TaskId = dispatch.TaskId, AckedSequence = 2, Known = true }]);
        await hub.WaitForResultAsync(dispatch.TaskId);
        await registry.WaitUntilEmptyAsync(CancellationToken.None).WaitAsync(TestTimeouts.Default);

        Assert.Equal(sentFirst, hub.EventsOf(dispatch.TaskId));
        Assert.Empty(hub.Violations);
    }

    [Fact]
    public async Task Resume_TaskUnknownToHub_KillsItAndForgetsIt()
    {
        await using var registry = CreateRegistry();
        await using var hub = new RegistryHub(registry, autoAck: false);
        var dispatch = Dispatches.Of("sleep 1000");
        await registry.DispatchAsync(dispatch, () => ValueTask.CompletedTask);
        var task = registry.Find(dispatch.TaskId)!;
        await hub.WaitForEventAsync(dispatch.TaskId, e => e.EventCase == TaskEvent.EventOneofCase.Started);
        var pid = task.Runner.ProcessId!.Value;

        registry.Resume([new TaskResume { TaskId = dispatch.TaskId, Known = false }]);
        await task.Runner.Completion.WaitAsync(TestTimeouts.Default);

        Assert.Equal(0, registry.Count);
        Assert.Empty(ProcessTable.AllGroupMembers(pid));
        Assert.DoesNotContain(task.Events.SnapshotUnacked(), e => e.EventCase == TaskEvent.EventOneofCase.Result);
    }

    [Fact]
    public async Task StopAllAsync_RunningTasks_EndCancelledAndNewDispatchesAreRefusedUnacknowledged()
    {
        await using var registry = CreateRegistry();
        await using var hub = new RegistryHub(registry);
        var dispatch = Dispatches.Of("sleep 1000");
        await registry.DispatchAsync(dispatch, () => ValueTask.CompletedTask);

        await registry.StopAllAsync("agent stopping").WaitAsync(TestTimeouts.Default);
        var acks = new StrongBox<int>();
        var late = await registry.DispatchAsync(Dispatches.Of("echo late"), CountingAck(acks));

        Assert.Equal(TaskOutcome.Cancelled, (await hub.WaitForResultAsync(dispatch.TaskId)).Outcome);
        Assert.Equal(DispatchDecision.Rejected, late);
        Assert.Equal(0, acks.Value);
    }

    [Fact]
    public async Task LargeOutput_HubAcksSlowly_EveryByteArrivesOnceInOrderWithBoundedUnackedBytes()
    {
        const long limit = 256 * 1024;
        const long total = 50_000_000;
        await using var registry = CreateRegistry(maxUnackedBytes: limit);
        var dispatch = Dispatches.Of($"seq 1 10000000 | head -c {total}");
        await registry.DispatchAsync(dispatch, () => ValueTask.CompletedTask);
        var events = registry.Find(dispatch.TaskId)!.Events;

        var expected = new SeqOutput();
        var batch = new List<TaskEvent>();
        ulong nextSequence = 1;
        long received = 0;
        TaskResult? result = null;
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (result is null)
        {
            await registry.WaitForPendingAsync(timeout.Token);
            batch.Clear();
            if (registry.TakePending(batch, maxPerTask: 64) == 0)
            {
                continue;
            }

            foreach (var taskEvent in batch)
            {
                Assert.Equal(nextSequence++, taskEvent.Sequence);
                if (taskEvent.EventCase == TaskEvent.EventOneofCase.Output)
                {
                    Assert.Equal(OutputStream.Stdout, taskEvent.Output.Stream);
                    Assert.True(expected.MatchesNext(taskEvent.Output.Data.Span), $"bytes differ in the chunk at offset {received}");
                    received += taskEvent.Output.Data.Length;
                }
                else if (taskEvent.EventCase == TaskEvent.EventOneofCase.Result)
                {
                    result = taskEvent.Result;
                }
            }

            // A slow hub: it acknowledges only once the node has reached its limit (the node then stops reading
            // the pipe and the command blocks), and the acknowledgement takes a while to come back.
            if (events.UnackedBytes >= limit || result is not null)
            {
                await Task.Delay(1, timeout.Token);
                registry.Acknowledge(dispatch.TaskId, batch[^1].Sequence);
            }
        }

        Assert.Equal(total, received);
        Assert.Equal(TaskOutcome.Exited, result.Outcome);
        Assert.Equal(0, result.ExitCode);
        Assert.InRange(events.PeakUnackedBytes, limit, limit + TaskRunnerOptions.DefaultReadBufferSize);
        Assert.Equal(0, registry.Count);
    }

}
