using CortexHub.Agent.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace CortexHub.Agent.Tests;

/// <summary>
/// Terminal sessions on a real pseudo-terminal, driven through the registry the way the connection drives it,
/// with the run ledger on (so every start goes through the gate, as in the agent).
/// </summary>
public sealed class TerminalSessionTests : IAsyncLifetime
{
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "agent-pty-" + Guid.NewGuid().ToString("N"));
    private TaskRegistry _registry = null!;
    private RegistryHub _hub = null!;

    public Task InitializeAsync()
    {
        var ledger = new RunLedger(_stateDirectory);
        ledger.Open();
        _registry = new TaskRegistry(new TaskRegistryOptions(), TimeProvider.System, NullLoggerFactory.Instance, ledger);
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

    private async Task<InputOffer> SendAsync(string taskId, ulong offset, string text) =>
        await _registry.InputAsync(Dispatches.Input(taskId, offset, text), NoAck);

    [Fact]
    public async Task Terminal_Python3Repl_EvaluatesInputAndCtrlDExitsWithZero()
    {
        var session = await StartAsync(Dispatches.Terminal("python3 -q"));
        await _hub.WaitForOutputAsync(session.TaskId, ">>> ");

        Assert.Equal(InputOffer.Queued, await SendAsync(session.TaskId, 0, "1+1\r"));
        var output = await _hub.WaitForOutputAsync(session.TaskId, "\n2\r\n");
        Assert.Equal(InputOffer.Queued, await SendAsync(session.TaskId, 4, "\u0004"));
        var result = await _hub.WaitForResultAsync(session.TaskId);

        Assert.Contains("1+1", output, StringComparison.Ordinal);
        Assert.Equal((TaskOutcome.Exited, 0), (result.Outcome, result.ExitCode));
        Assert.All(_hub.EventsOf(session.TaskId).Where(e => e.EventCase == TaskEvent.EventOneofCase.Output), e => Assert.Equal(OutputStream.Stdout, e.Output.Stream));
        Assert.Empty(_hub.Violations);
    }

    [Fact]
    public async Task Terminal_Command_HasTheTerminalAsControllingTerminalTermAndItsExitCode()
    {
        var session = await StartAsync(Dispatches.Terminal(
            "echo \"term=$TERM\"; echo x >/dev/tty && echo ctty-ok; test -t 0 && test -t 1 && test -t 2 && echo all-tty; grep SigIgn /proc/self/status; exit 3",
            term: "vt100"));

        var result = await _hub.WaitForResultAsync(session.TaskId);
        var output = _hub.OutputOf(session.TaskId);

        Assert.Equal((TaskOutcome.Exited, 3), (result.Outcome, result.ExitCode));
        Assert.Contains("term=vt100\r\n", output, StringComparison.Ordinal);
        Assert.Contains("ctty-ok", output, StringComparison.Ordinal);
        Assert.Contains("all-tty", output, StringComparison.Ordinal);
        Assert.Contains("SigIgn:\t0000000000000000", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Terminal_NoTermInSpec_IsXterm256Color()
    {
        var session = await StartAsync(Dispatches.Terminal("echo \"term=$TERM\""));

        await _hub.WaitForResultAsync(session.TaskId);

        Assert.Contains("term=xterm-256color\r\n", _hub.OutputOf(session.TaskId), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Terminal_Resize_SizeFollowsAndProgramGetsSigwinch_StaleGenerationIgnored()
    {
        var session = await StartAsync(Dispatches.Terminal("stty size; tput cols; read -r _; stty size; tput cols", columns: 80, rows: 24));
        await _hub.WaitForOutputAsync(session.TaskId, "24 80\r\n80\r\n");

        Assert.True(await _registry.ResizeAsync(Dispatches.Resize(session.TaskId, 100, 30, generation: 2), NoAck));
        Assert.False(await _registry.ResizeAsync(Dispatches.Resize(session.TaskId, 50, 10, generation: 1), NoAck));
        Assert.False(await _registry.ResizeAsync(Dispatches.Resize(session.TaskId, 50, 10, generation: 2), NoAck));
        await SendAsync(session.TaskId, 0, "\r");
        var result = await _hub.WaitForResultAsync(session.TaskId);

        Assert.Equal((TaskOutcome.Exited, 0), (result.Outcome, result.ExitCode));
        Assert.Contains("30 100\r\n100\r\n", _hub.OutputOf(session.TaskId), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Terminal_Resize_KernelSignalsTheForegroundProgram()
    {
        var session = await StartAsync(Dispatches.Terminal(
            "python3 -c \"import os, signal; signal.signal(signal.SIGWINCH, lambda *a: (print('winch', os.get_terminal_size().columns, flush=True), os._exit(0))); print('ready', flush=True); signal.pause()\""));
        await _hub.WaitForOutputAsync(session.TaskId, "ready");

        await _registry.ResizeAsync(Dispatches.Resize(session.TaskId, 132, 40, generation: 1), NoAck);
        var result = await _hub.WaitForResultAsync(session.TaskId);

        Assert.Contains("winch 132", _hub.OutputOf(session.TaskId), StringComparison.Ordinal);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Terminal_EmptyCommand_RunsTheLoginShell()
    {
        var dispatch = Dispatches.Terminal("");
        dispatch.Environment["SHELL"] = "/bin/bash";
        var session = await StartAsync(dispatch);

        await SendAsync(session.TaskId, 0, "shopt -q login_shell && echo login-$((6*7)); exit 7\r");
        var result = await _hub.WaitForResultAsync(session.TaskId);

        Assert.Contains("login-42", _hub.OutputOf(session.TaskId), StringComparison.Ordinal);
        Assert.Equal((TaskOutcome.Exited, 7), (result.Outcome, result.ExitCode));
    }

    [Fact]
    public async Task Terminal_Cancel_KillsEveryProcessOfTheSession()
    {
        var session = await StartAsync(Dispatches.Terminal("sleep 1000 & bash -c 'sleep 1000 & echo ready; wait'; wait"));
        await _hub.WaitForOutputAsync(session.TaskId, "ready");
        var pgid = (int)_hub.EventsOf(session.TaskId).Single(e => e.EventCase == TaskEvent.EventOneofCase.Started).Started.Pid;
        var members = ProcessTable.GroupMembers(pgid);
        Assert.True(members.Count >= 4, $"expected the shell, two sleeps and the inner bash in group {pgid}; found {members.Count}");

        await _registry.CancelAsync(new CancelTask { CommandId = "cancel:" + session.TaskId, TaskId = session.TaskId, Reason = "closed" }, NoAck);
        var result = await _hub.WaitForResultAsync(session.TaskId);

        Assert.Equal(TaskOutcome.Cancelled, result.Outcome);
        Assert.All(members, pid => Assert.True(ProcessTable.IsGone(pid), $"pid {pid} of group {pgid} is still in /proc"));
        Assert.Empty(ProcessTable.AllGroupMembers(pgid));
    }

    [Fact]
    public async Task Terminal_LoginShellExitsLeavingABackgroundJob_JobIsKilledAndTheSessionEnds()
    {
        // With job control on, the job runs in a process group of its own, which a kill of the shell's group misses.
        var dispatch = Dispatches.Terminal("");
        dispatch.Environment["SHELL"] = "/bin/bash";
        var session = await StartAsync(dispatch);
        const string StartJob = "sleep 1000 & echo \"job=$!=$(ps -o pgid= $!)=$$=end\"\r";
        await SendAsync(session.TaskId, 0, StartJob);
        var output = await _hub.WaitForOutputAsync(session.TaskId, "=end\r\n");
        var fields = output[(output.LastIndexOf("job=", StringComparison.Ordinal) + 4)..].Split('=');
        var (job, jobGroup, shell) = (int.Parse(fields[0]), int.Parse(fields[1].Trim()), int.Parse(fields[2]));
        Assert.NotEqual(shell, jobGroup);

        await SendAsync(session.TaskId, (ulong)StartJob.Length, "exit 4\r");
        var result = await _hub.WaitForResultAsync(session.TaskId);

        Assert.Equal((TaskOutcome.Exited, 4), (result.Outcome, result.ExitCode));
        Assert.True(ProcessTable.IsGone(job), $"the job {job} outlived its session");
    }

    [Fact]
    public async Task Terminal_ProcessThatLeftTheSessionHoldsTheTerminal_SessionStillEndsWithItsExitCode()
    {
        // The escapee says so once it leads a session of its own; only then does the shell go on and exit.
        var session = await StartAsync(Dispatches.Terminal("setsid bash -c 'echo \"escaped=$$=\"; exec sleep 1000' & read -r _; exit 5"));
        var output = await _hub.WaitForOutputAsync(session.TaskId, "=\r\n");
        var escaped = int.Parse(output[(output.IndexOf("escaped=", StringComparison.Ordinal) + 8)..].Split('=')[0]);
        try
        {
            await SendAsync(session.TaskId, 0, "\r");
            var result = await _hub.WaitForResultAsync(session.TaskId);

            Assert.Equal((TaskOutcome.Exited, 5), (result.Outcome, result.ExitCode));
        }
        finally
        {
            LibC.Kill(escaped, LibC.SIGKILL);
        }
    }

    [Fact]
    public async Task Terminal_TimeoutPasses_SessionIsKilledAndTimedOut()
    {
        var dispatch = Dispatches.Terminal("echo ready; sleep 1000");
        dispatch.TimeoutSeconds = 1;
        var session = await StartAsync(dispatch);
        await _hub.WaitForOutputAsync(session.TaskId, "ready");
        var pgid = (int)_hub.EventsOf(session.TaskId).Single(e => e.EventCase == TaskEvent.EventOneofCase.Started).Started.Pid;

        var result = await _hub.WaitForResultAsync(session.TaskId);

        Assert.Equal(TaskOutcome.TimedOut, result.Outcome);
        Assert.Empty(ProcessTable.AllGroupMembers(pgid));
    }

    [Fact]
    public async Task Terminal_InputForUnknownOrFinishedTaskAndResizeOfPlainTask_AreAcknowledgedAndIgnored()
    {
        var plain = await StartAsync(Dispatches.Of("true"));
        await _hub.WaitForResultAsync(plain.TaskId);
        var acks = new StrongBox<int>();
        ValueTask Ack()
        {
            Interlocked.Increment(ref acks.Value);
            return ValueTask.CompletedTask;
        }

        Assert.Equal(InputOffer.Ignored, await _registry.InputAsync(Dispatches.Input("no-such-task", 0, "x"), Ack));
        Assert.Equal(InputOffer.Ignored, await _registry.InputAsync(Dispatches.Input(plain.TaskId, 0, "x"), Ack));
        Assert.False(await _registry.ResizeAsync(Dispatches.Resize(plain.TaskId, 10, 10, 1), Ack));
        Assert.False(await _registry.ResizeAsync(Dispatches.Resize("no-such-task", 10, 10, 1), Ack));

        Assert.Equal(4, acks.Value);
    }
}
