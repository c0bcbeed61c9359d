using CortexHub.Agent.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace CortexHub.Agent.Tests;

/// <summary>TaskInput for plain tasks (stdin kept open) and terminals: order, redelivery, end, bounds.</summary>
public sealed class TaskInputTests : IAsyncLifetime
{
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "agent-input-" + Guid.NewGuid().ToString("N"));
    private TaskRegistry _registry = null!;
    private RegistryHub _hub = null!;

    public Task InitializeAsync()
    {
        var ledger = new RunLedger(_stateDirectory);
        ledger.Open();
        var options = new TaskRegistryOptions { Runner = new TaskRunnerOptions { MaxQueuedInputBytes = 256 * 1024 } };
        _registry = new TaskRegistry(options, TimeProvider.System, NullLoggerFactory.Instance, ledger);
        _hub = new RegistryHub(_registry);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        await _hub.DisposeAsync();
        Directory.Delete(_stateDirectory, recursive: true);
    }

    private static ValueTask NoAck() => ValueTask.CompletedTask;

    private async Task<DispatchTask> StartAsync(DispatchTask dispatch)
    {
        Assert.Equal(DispatchDecision.Started, await _registry.DispatchAsync(dispatch, NoAck));
        return dispatch;
    }

    private static byte[] Bytes(int count, byte value) => Enumerable.Repeat(value, count).ToArray();

    [Fact]
    public async Task StdinOpen_InputThenEnd_WcCountsEveryByte()
    {
        var task = await StartAsync(Dispatches.WithStdin("wc -c"));

        // Larger than a pipe's buffer, in chunks of the hub's size limit.
        ulong offset = 0;
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(InputOffer.Queued, await _registry.InputAsync(Dispatches.Input(task.TaskId, offset, Bytes(64 * 1024, (byte)'a')), NoAck));
            offset += 64 * 1024;
        }

        Assert.Equal(InputOffer.Queued, await _registry.InputAsync(Dispatches.Input(task.TaskId, offset, "tail", end: true), NoAck));
        var result = await _hub.WaitForResultAsync(task.TaskId);

        Assert.Equal((TaskOutcome.Exited, 0), (result.Outcome, result.ExitCode));
        Assert.Equal($"{(3 * 64 * 1024) + 4}\n", _hub.OutputOf(task.TaskId));
    }

    [Fact]
    public async Task StdinOpen_GateLineSharesThePipe_ProgramSeesOnlyTheInput()
    {
        // The gate's line goes through stdin before the input: the program must not see it, nor lose a byte.
        var task = await StartAsync(Dispatches.WithStdin("od -An -c"));

        await _registry.InputAsync(Dispatches.Input(task.TaskId, 0, "\nx\n", end: true), NoAck);
        await _hub.WaitForResultAsync(task.TaskId);

        Assert.Equal(@"\n   x  \n", _hub.OutputOf(task.TaskId).Trim());
    }

    [Fact]
    public async Task WithoutStdinOpen_CatSeesEndOfFileAtOnce_AndInputIsIgnored()
    {
        var task = await StartAsync(Dispatches.Of("cat; echo after-eof"));

        var result = await _hub.WaitForResultAsync(task.TaskId);
        var offer = await _registry.InputAsync(Dispatches.Input(task.TaskId, 0, "late"), NoAck);

        Assert.Equal((TaskOutcome.Exited, 0), (result.Outcome, result.ExitCode));
        Assert.Equal("after-eof\n", _hub.OutputOf(task.TaskId));
        Assert.Equal(InputOffer.Ignored, offer);
    }

    [Fact]
    public async Task Input_DeliveredTwiceOrOverlapping_EachByteIsWrittenOnce()
    {
        var task = await StartAsync(Dispatches.WithStdin("cat"));
        var acks = new StrongBox<int>();
        ValueTask Ack()
        {
            Interlocked.Increment(ref acks.Value);
            return ValueTask.CompletedTask;
        }

        var offers = new[]
        {
            await _registry.InputAsync(Dispatches.Input(task.TaskId, 0, "abc"), Ack),
            await _registry.InputAsync(Dispatches.Input(task.TaskId, 0, "abc"), Ack), // resent after a reconnect
            await _registry.InputAsync(Dispatches.Input(task.TaskId, 1, "bcdef"), Ack), // overlaps: only "def" is new
            await _registry.InputAsync(Dispatches.Input(task.TaskId, 6, "", end: true), Ack),
            await _registry.InputAsync(Dispatches.Input(task.TaskId, 6, "", end: true), Ack),
        };
        var result = await _hub.WaitForResultAsync(task.TaskId);

        Assert.Equal([InputOffer.Queued, InputOffer.Duplicate, InputOffer.Queued, InputOffer.Queued, InputOffer.Duplicate], offers);
        Assert.Equal(5, acks.Value);
        Assert.Equal("abcdef", _hub.OutputOf(task.TaskId));
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Input_BeyondAGap_IsRefusedUnacknowledged_AndTakenWhenRedeliveredInOrder()
    {
        var task = await StartAsync(Dispatches.WithStdin("cat"));
        var acks = new StrongBox<int>();
        ValueTask Ack()
        {
            Interlocked.Increment(ref acks.Value);
            return ValueTask.CompletedTask;
        }

        var gap = await _registry.InputAsync(Dispatches.Input(task.TaskId, 3, "def", end: true), Ack);
        Assert.Equal(InputOffer.Gap, gap);
        Assert.Equal(0, acks.Value);

        await _registry.InputAsync(Dispatches.Input(task.TaskId, 0, "abc"), Ack);
        await _registry.InputAsync(Dispatches.Input(task.TaskId, 3, "def", end: true), Ack);
        await _hub.WaitForResultAsync(task.TaskId);

        Assert.Equal(2, acks.Value);
        Assert.Equal("abcdef", _hub.OutputOf(task.TaskId));
    }

    [Fact]
    public async Task Input_ProgramNotReading_QueueStopsAtItsBoundAndRefusesUnacknowledged()
    {
        var task = await StartAsync(Dispatches.WithStdin("echo ready; sleep 1000"));
        await _hub.WaitForOutputAsync(task.TaskId, "ready");
        var acks = new StrongBox<int>();
        ValueTask Ack()
        {
            Interlocked.Increment(ref acks.Value);
            return ValueTask.CompletedTask;
        }

        // The pipe takes 64 KiB, the writer holds the rest of the first chunk; the queue (256 KiB here) then fills.
        ulong offset = 0;
        var offers = new List<InputOffer>();
        for (var i = 0; i < 12; i++)
        {
            offers.Add(await _registry.InputAsync(Dispatches.Input(task.TaskId, offset, Bytes(64 * 1024, (byte)'x')), Ack));
            if (offers[^1] == InputOffer.Queued)
            {
                offset += 64 * 1024;
            }
        }

        Assert.Contains(InputOffer.Full, offers);
        Assert.Equal(offers.Count(o => o == InputOffer.Queued), acks.Value);
        Assert.True(_registry.Find(task.TaskId)!.Runner.InputTaken <= (ulong)(64 * 1024 * 7), $"taken: {_registry.Find(task.TaskId)!.Runner.InputTaken}");
    }

    [Fact]
    public async Task Input_LargerThanPipeAndTerminalBuffers_ToProgramsNotReading_DoesNotHoldUpOtherTasks()
    {
        var pipe = await StartAsync(Dispatches.WithStdin("echo ready; sleep 1000"));
        var terminal = await StartAsync(Dispatches.Terminal("stty -echo; echo ready; sleep 1000"));
        await _hub.WaitForOutputAsync(pipe.TaskId, "ready");
        await _hub.WaitForOutputAsync(terminal.TaskId, "ready");

        // Each returns once queued, although neither program will ever read it.
        Assert.Equal(InputOffer.Queued, await _registry.InputAsync(Dispatches.Input(pipe.TaskId, 0, Bytes(200 * 1024, (byte)'p')), NoAck));
        Assert.Equal(InputOffer.Queued, await _registry.InputAsync(Dispatches.Input(terminal.TaskId, 0, Bytes(200 * 1024, (byte)'t')), NoAck));
        var other = await StartAsync(Dispatches.Of("echo other"));
        var otherResult = await _hub.WaitForResultAsync(other.TaskId);

        await _registry.CancelAsync(new CancelTask { CommandId = "c1", TaskId = pipe.TaskId }, NoAck);
        await _registry.CancelAsync(new CancelTask { CommandId = "c2", TaskId = terminal.TaskId }, NoAck);
        var pipeResult = await _hub.WaitForResultAsync(pipe.TaskId);
        var terminalResult = await _hub.WaitForResultAsync(terminal.TaskId);

        Assert.Equal((TaskOutcome.Exited, "other\n"), (otherResult.Outcome, _hub.OutputOf(other.TaskId)));
        Assert.Equal((TaskOutcome.Cancelled, TaskOutcome.Cancelled), (pipeResult.Outcome, terminalResult.Outcome));
        await _registry.WaitUntilEmptyAsync(CancellationToken.None).WaitAsync(TestTimeouts.Default);
    }

    [Fact]
    public async Task Terminal_EndFlag_IsIgnored_CtrlDIsTheTerminalsEndOfFile()
    {
        var session = await StartAsync(Dispatches.Terminal("cat; echo cat-done"));

        // `end` must not close anything on a terminal: the session goes on and takes later input.
        await _registry.InputAsync(Dispatches.Input(session.TaskId, 0, "one\r", end: true), NoAck);
        await _hub.WaitForOutputAsync(session.TaskId, "one\r\none\r\n");
        await _registry.InputAsync(Dispatches.Input(session.TaskId, 4, "\u0004"), NoAck);
        var result = await _hub.WaitForResultAsync(session.TaskId);

        Assert.Contains("cat-done", _hub.OutputOf(session.TaskId), StringComparison.Ordinal);
        Assert.Equal(0, result.ExitCode);
    }
}
