using System.Text;
using CortexHub.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace CortexHub.Agent.Tests;

public sealed class TaskRunnerTests : IAsyncLifetime
{
    private readonly List<TaskRunner> _runners = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // A failed assertion must not leave `sleep 1000` behind.
        foreach (var runner in _runners)
        {
            runner.Stop(TaskStopReason.Abandoned);
        }

        // Runners that never started a process (some tests never run them) have nothing to wait for.
        await Task.WhenAll(_runners.Where(r => r.ProcessId is not null).Select(r => r.Completion)).WaitAsync(TestTimeouts.Default);
    }

    private (TaskRunner Runner, RecordingSink Sink) Create(DispatchTask dispatch, TimeProvider? time = null, TaskRunnerOptions? options = null)
    {
        var sink = new RecordingSink(new TaskEventBuffer(dispatch.TaskId, maxUnackedBytes: 64 * 1024 * 1024));
        var runner = new TaskRunner(dispatch, sink, options ?? Dispatches.RunnerOptions(), time ?? TimeProvider.System, NullLogger.Instance);
        _runners.Add(runner);
        return (runner, sink);
    }

    private static string Text(RecordingSink sink, OutputStream stream) => Encoding.UTF8.GetString(sink.Output(stream));

    [Fact]
    public async Task RunAsync_CommandWritesStdoutAndStderrAndExits3_ReportsChunksThenExited3WithContiguousSequences()
    {
        var (runner, sink) = Create(Dispatches.Of("echo hello; echo err >&2; exit 3"));

        await runner.RunAsync().WaitAsync(TestTimeouts.Default);

        var events = sink.Buffer.SnapshotUnacked();
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (ulong)i), events.Select(e => e.Sequence));
        Assert.Equal(TaskEvent.EventOneofCase.Accepted, events[0].EventCase);
        Assert.Equal(TaskEvent.EventOneofCase.Started, events[1].EventCase);
        Assert.True(events[1].Started.Pid > 0);
        Assert.All(events.Skip(2).SkipLast(1), e => Assert.Equal(TaskEvent.EventOneofCase.Output, e.EventCase));
        Assert.Equal("hello\n", Text(sink, OutputStream.Stdout));
        Assert.Equal("err\n", Text(sink, OutputStream.Stderr));
        var result = events[^1];
        Assert.Equal(TaskEvent.EventOneofCase.Result, result.EventCase);
        Assert.Equal(TaskOutcome.Exited, result.Result.Outcome);
        Assert.Equal(3, result.Result.ExitCode);
        Assert.All(events, e => Assert.Equal(runner.TaskId, e.TaskId));
    }

    [Fact]
    public async Task RunAsync_OutputWithEscapesAndInvalidUtf8_IsReportedAsRawBytes()
    {
        var (runner, sink) = Create(Dispatches.Of(@"printf '\033[31mred\377\376\000end'"));

        await runner.RunAsync().WaitAsync(TestTimeouts.Default);

        byte[] expected = [0x1b, .. "[31mred"u8, 0xff, 0xfe, 0x00, .. "end"u8];
        Assert.Equal(expected, sink.Output(OutputStream.Stdout));
    }

    [Fact]
    public async Task RunAsync_OutputWrittenBeforeCommandEnds_IsPublishedAsProduced()
    {
        // The command blocks on a FIFO the test writes only after it saw the first output: that output cannot
        // have been held back until a newline or the exit.
        var fifo = Path.Combine(Path.GetTempPath(), "agent-fifo-" + Guid.NewGuid().ToString("N"));
        var (runner, sink) = Create(Dispatches.Of($"mkfifo '{fifo}'; printf first; read -r line < '{fifo}'; printf \"$line\"; rm '{fifo}'"));
        var run = runner.RunAsync();

        await sink.WaitForAsync(e => e.EventCase == TaskEvent.EventOneofCase.Output && e.Output.Data.ToStringUtf8().Contains("first", StringComparison.Ordinal));
        Assert.True(runner.IsRunning);
        await File.WriteAllTextAsync(fifo, "second\n");
        await run.WaitAsync(TestTimeouts.Default);

        Assert.Equal("firstsecond", Text(sink, OutputStream.Stdout));
    }

    [Fact]
    public async Task RunAsync_WorkingDirectoryAndEnvironment_AreApplied_AndTokenIsNotInherited()
    {
        Environment.SetEnvironmentVariable(AgentOptions.TokenEnvironmentVariable, "node-secret");
        try
        {
            var dispatch = Dispatches.Of("pwd; echo \"$GREETING\"; echo \"${CORTEX_AGENT_TOKEN:-no-token}\"; echo \"$PATH\" | grep -q / && echo has-path");
            dispatch.WorkingDirectory = "/tmp";
            dispatch.Environment["GREETING"] = "hello from the hub";
            var (runner, sink) = Create(dispatch);

            await runner.RunAsync().WaitAsync(TestTimeouts.Default);

            Assert.Equal("/tmp\nhello from the hub\nno-token\nhas-path\n", Text(sink, OutputStream.Stdout));
        }
        finally
        {
            Environment.SetEnvironmentVariable(AgentOptions.TokenEnvironmentVariable, null);
        }
    }

    [Fact]
    public async Task RunAsync_WriterToClosedPipe_DiesOfSigpipeQuietlyAsInATerminal()
    {
        // The agent's runtime ignores SIGPIPE; the command must not inherit that ("yes: Broken pipe" on stderr).
        var (runner, sink) = Create(Dispatches.Of("yes | head -c 6; grep SigIgn /proc/self/status"));

        await runner.RunAsync().WaitAsync(TestTimeouts.Default);

        Assert.Equal("", Text(sink, OutputStream.Stderr));
        Assert.Equal("y\ny\ny\nSigIgn:\t0000000000000000\n", Text(sink, OutputStream.Stdout));
    }

    [Fact]
    public async Task RunAsync_WorkingDirectoryMissing_ReportsFailedWithError()
    {
        var dispatch = Dispatches.Of("echo never");
        dispatch.WorkingDirectory = "/nonexistent/" + Guid.NewGuid().ToString("N");
        var (runner, sink) = Create(dispatch);

        await runner.RunAsync().WaitAsync(TestTimeouts.Default);

        var events = sink.Buffer.SnapshotUnacked();
        Assert.Equal([TaskEvent.EventOneofCase.Accepted, TaskEvent.EventOneofCase.Result], events.Select(e => e.EventCase));
        Assert.Equal(TaskOutcome.Failed, events[1].Result.Outcome);
        Assert.False(string.IsNullOrEmpty(events[1].Result.Error));
        Assert.Equal([1UL, 2UL], events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Stop_CommandWithBackgroundChildren_KillsWholeProcessTreeAndReportsCancelled()
    {
        var (runner, sink) = Create(Dispatches.Of("sleep 1000 & bash -c 'sleep 1000 & sleep 1000 & echo ready; wait'; wait"));
        var run = runner.RunAsync();
        await sink.WaitForAsync(e => e.EventCase == TaskEvent.EventOneofCase.Output && e.Output.Data.ToStringUtf8().Contains("ready", StringComparison.Ordinal));
        var pgid = runner.ProcessId!.Value;
        var members = ProcessTable.GroupMembers(pgid);
        Assert.True(members.Count >= 5, $"expected the shell, a sleep, the inner bash and its two sleeps in group {pgid}; found {members.Count}");

        runner.Stop(TaskStopReason.Cancelled, "user asked");
        await run.WaitAsync(TestTimeouts.Default);

        Assert.All(members, pid => Assert.True(ProcessTable.IsGone(pid), $"pid {pid} of group {pgid} is still in /proc"));
        var result = sink.Events[^1];
        Assert.Equal(TaskOutcome.Cancelled, result.Result.Outcome);
        Assert.Equal("user asked", result.Result.Error);
    }

    [Fact]
    public async Task RunAsync_ShellExitsLeavingBackgroundJob_FinishesAndKillsTheLeftover()
    {
        var (runner, sink) = Create(Dispatches.Of("sleep 1000 & echo $!"));

        await runner.RunAsync().WaitAsync(TestTimeouts.Default);

        var leftover = int.Parse(Text(sink, OutputStream.Stdout).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(ProcessTable.IsGone(leftover), $"background job {leftover} outlived its task");
        Assert.Equal(TaskOutcome.Exited, sink.Events[^1].Result.Outcome);
        Assert.Equal(0, sink.Events[^1].Result.ExitCode);
    }

    [Fact]
    public async Task RunAsync_TimeoutPasses_KillsAndReportsTimedOut()
    {
        var time = new ManualTimeProvider();
        var (runner, sink) = Create(Dispatches.Of("sleep 1000 & sleep 1000", timeoutSeconds: 30), time);
        var run = runner.RunAsync();
        await sink.WaitForAsync(e => e.EventCase == TaskEvent.EventOneofCase.Started);
        Assert.True(runner.IsRunning);

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.True(runner.IsRunning);
        time.Advance(TimeSpan.FromSeconds(1));
        await run.WaitAsync(TestTimeouts.Default);

        var result = sink.Events[^1].Result;
        Assert.Equal(TaskOutcome.TimedOut, result.Outcome);
        Assert.Equal(137, result.ExitCode); // 128 + SIGKILL
        Assert.Empty(ProcessTable.AllGroupMembers(runner.ProcessId!.Value));
    }

    [Fact]
    public async Task Stop_BeforeRun_ReportsCancelledWithoutStartingAnything()
    {
        var (runner, sink) = Create(Dispatches.Of("echo never"));

        runner.Stop(TaskStopReason.Cancelled);
        await runner.RunAsync().WaitAsync(TestTimeouts.Default);

        Assert.Equal([TaskEvent.EventOneofCase.Accepted, TaskEvent.EventOneofCase.Result], sink.Events.Select(e => e.EventCase));
        Assert.Equal(TaskOutcome.Cancelled, sink.Events[1].Result.Outcome);
        Assert.Null(runner.ProcessId);
    }

    [Fact]
    public async Task Stop_Abandoned_KillsAndPublishesNothingMore()
    {
        var (runner, sink) = Create(Dispatches.Of("echo ready; sleep 1000"));
        var run = runner.RunAsync();
        await sink.WaitForAsync(e => e.EventCase == TaskEvent.EventOneofCase.Output);
        var pid = runner.ProcessId!.Value;

        sink.Buffer.Close();
        runner.Stop(TaskStopReason.Abandoned);
        await run.WaitAsync(TestTimeouts.Default);

        Assert.DoesNotContain(sink.Events, e => e.EventCase == TaskEvent.EventOneofCase.Result);
        Assert.Empty(ProcessTable.AllGroupMembers(pid));
    }
}
