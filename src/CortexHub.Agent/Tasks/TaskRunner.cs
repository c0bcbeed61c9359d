using System.ComponentModel;
using CortexHub.Agent.Logging;
using CortexHub.Agent.Processes;
using CortexHub.Protocol.V1;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace CortexHub.Agent.Tasks;

/// <summary>
/// Runs one dispatched command and reports it as events: accepted, started(pid), output chunks as they are
/// produced, then exactly one result. Output is read raw from the pipes (no decoding, no line buffering); each
/// read waits in <see cref="ITaskEventSink.PublishAsync"/> while the task's unacknowledged output is at its
/// limit, so a command that writes faster than the hub acknowledges blocks on its full pipe.
/// </summary>
/// <remarks>
/// A dispatch with a terminal runs on a pseudo-terminal, and one with a terminal or <c>stdin_open</c> takes input
/// (<c>TaskRunner.Interactive.cs</c>).
/// A stop (cancel, timeout) kills the whole process group, reads what is left in the pipes for at most
/// <see cref="TaskRunnerOptions.StopDrainTimeout"/>, then reports CANCELLED or TIMED_OUT. When the shell exits on
/// its own, what it left running in its group is killed too, and the pipes are read to their end.
/// </remarks>
public sealed partial class TaskRunner
{
    private readonly DispatchTask _dispatch;
    private readonly ITaskEventSink _sink;
    private readonly TaskRunnerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _output;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly RunLedger? _ledger;
    private ProcessGroup? _process;
    private PseudoTerminal? _terminal;
    private InputWriter? _inputWriter;
    private RunRecord? _run;
    private int? _processId;
    private ITimer? _drainTimer;
    private TaskStopReason _stopReason;
    private string _stopMessage = "";
    private int _started;

    /// <summary>Prepares the run of <paramref name="dispatch"/>; nothing starts before <see cref="RunAsync"/>.</summary>
    public TaskRunner(DispatchTask dispatch, ITaskEventSink sink, TaskRunnerOptions options, TimeProvider timeProvider, ILogger logger)
        : this(dispatch, sink, options, timeProvider, logger, ledger: null)
    {
    }

    /// <summary>
    /// Prepares the run of <paramref name="dispatch"/>, recording its process in <paramref name="ledger"/> from its
    /// start until its process group is gone, so it cannot outlive a killed agent unnoticed.
    /// </summary>
    internal TaskRunner(DispatchTask dispatch, ITaskEventSink sink, TaskRunnerOptions options, TimeProvider timeProvider, ILogger logger, RunLedger? ledger)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _dispatch = dispatch;
        _sink = sink;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _ledger = ledger;
        _output = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
        _input = TakesInput ? new TaskInputQueue(options.MaxQueuedInputBytes) : null;
        if (dispatch.Terminal is { } terminal)
        {
            _size = (SizeOrDefault(terminal.Columns, DefaultColumns), SizeOrDefault(terminal.Rows, DefaultRows));
        }
    }

    /// <summary>The task.</summary>
    public string TaskId => _dispatch.TaskId;

    /// <summary>Completes when the run is over (its result is published, or it was abandoned).</summary>
    public Task Completion => _completion.Task;

    /// <summary>True until the run is over.</summary>
    public bool IsRunning => !_completion.Task.IsCompleted;

    /// <summary>Pid of the shell once started (also its process group id), else null.</summary>
    public int? ProcessId
    {
        get { lock (_lock) { return _processId; } }
    }

    /// <summary>Why the task was stopped, or <see cref="TaskStopReason.None"/>.</summary>
    public TaskStopReason StopReason
    {
        get { lock (_lock) { return _stopReason; } }
    }

    /// <summary>Runs the task to its end. Call once; never throws for a failing command (that is a FAILED result).</summary>
    public async Task RunAsync()
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            throw new InvalidOperationException($"Task {TaskId} is already running.");
        }

        try
        {
            await RunCoreAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // Abandoned: the hub does not want to hear about this task any more.
        }
        finally
        {
            await ForgetRunIfGoneAsync().ConfigureAwait(false);
            ITimer? drainTimer;
            InputWriter? inputWriter;
            lock (_lock)
            {
                drainTimer = _drainTimer;
                _drainTimer = null;
                inputWriter = _inputWriter;

                // Forgotten under the lock, so a late Stop cannot signal a process group id the system may reuse
                // (nor a late resize reach a closed terminal).
                _process?.Dispose();
                _process = null;
                _input?.Close();
                inputWriter?.Stop();
                _terminal?.Dispose();
                _terminal = null;
            }

            drainTimer?.Dispose();
            await (inputWriter?.Completion ?? Task.CompletedTask).ConfigureAwait(false);
            _completion.TrySetResult();
        }
    }

    /// <summary>
    /// Kills the task's processes. The first reason wins, except that <see cref="TaskStopReason.Abandoned"/> also
    /// silences a task already being stopped. Safe to call at any time, also before <see cref="RunAsync"/>.
    /// </summary>
    public void Stop(TaskStopReason reason, string? message = null)
    {
        if (reason == TaskStopReason.None)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, "A stop needs a reason.");
        }

        ProcessGroup? process;
        lock (_lock)
        {
            if (_completion.Task.IsCompleted)
            {
                return;
            }

            if (_stopReason == TaskStopReason.None)
            {
                _stopReason = reason;
                _stopMessage = message ?? "";
            }

            process = _process;
            if (process is not null)
            {
                // Output still in the pipes is read for a short while; a process that escaped the group may hold
                // them open forever.
                _drainTimer ??= _timeProvider.CreateTimer(
                    static state => ((CancellationTokenSource)state!).TryCancel(), _output, _options.StopDrainTimeout, Timeout.InfiniteTimeSpan);
            }
        }

        AgentLog.TaskStopRequested(_logger, TaskId, reason);
        if (reason == TaskStopReason.Abandoned)
        {
            _abort.TryCancel();
        }

        if (process is not null)
        {
            ReportKillFailure(process, process.KillAll());
        }
    }

    private async Task RunCoreAsync()
    {
        var abort = _abort.Token;
        await _sink.PublishAsync(new TaskEvent { Accepted = new TaskAccepted() }, abort).ConfigureAwait(false);

        var (stoppedBeforeStart, stopMessage) = GetStop();
        if (stoppedBeforeStart != TaskStopReason.None)
        {
            // Stopped before it ran: say so without starting anything.
            abort.ThrowIfCancellationRequested();
            var (earlyOutcome, earlyError) = Describe(stoppedBeforeStart, stopMessage);
            await PublishResultAsync(earlyOutcome, exitCode: -1, earlyError, abort).ConfigureAwait(false);
            return;
        }

        ProcessGroup process;
        PseudoTerminal? terminal = null;
        try
        {
            terminal = OpenTerminal();
            process = ProcessGroup.Start(
                _options.Shell, CommandLine(), _dispatch.WorkingDirectory, Environment(), _options.UseProcessGroup,
                gated: _ledger is not null, terminal?.SlavePath, keepStdinOpen: terminal is null && _dispatch.StdinOpen);
        }
        catch (Exception ex) when (ex is Win32Exception or IOException or InvalidOperationException or UnauthorizedAccessException or ArgumentException)
        {
            terminal?.Dispose();
            _input?.Close();
            AgentLog.TaskStartFailed(_logger, TaskId, ex.Message);
            await PublishResultAsync(TaskOutcome.Failed, exitCode: -1, $"Could not start the command: {ex.Message}", abort).ConfigureAwait(false);
            return;
        }

        // Recorded before the command may run: an agent killed at any later moment leaves a record of it.
        var run = RecordRun(process);
        process.OpenGate();
        var inputWriter = StartInputWriter(process, terminal);
        TaskStopReason stoppedWhileStarting;
        lock (_lock)
        {
            _process = process;
            _processId = process.ProcessId;
            _run = run;
            _terminal = terminal;
            _inputWriter = inputWriter;
            stoppedWhileStarting = _stopReason;
            if (terminal is not null)
            {
                // A resize may have arrived while the terminal was being opened.
                ApplySize(terminal);
            }
        }

        if (stoppedWhileStarting != TaskStopReason.None)
        {
            // A stop arrived while the process was being started and found nothing to kill: kill it now.
            Stop(stoppedWhileStarting);
        }

        AgentLog.TaskStarted(_logger, TaskId, process.ProcessId, process.OwnsGroup);
        using var timeout = _dispatch.TimeoutSeconds > 0
            ? _timeProvider.CreateTimer(
                static state => ((TaskRunner)state!).Stop(TaskStopReason.TimedOut),
                this, TimeSpan.FromSeconds(_dispatch.TimeoutSeconds), Timeout.InfiniteTimeSpan)
            : null;

        await _sink.PublishAsync(new TaskEvent { Started = new TaskStarted { Pid = process.ProcessId } }, abort).ConfigureAwait(false);

        var stdout = PumpOutputAsync(process.StandardOutput, OutputStream.Stdout, _output.Token);
        var stderr = PumpOutputAsync(process.StandardError, OutputStream.Stderr, _output.Token);
        var screen = terminal is null ? Task.CompletedTask : PumpTerminalAsync(terminal.Master, _output.Token);

        var exitCode = await process.WaitForExitAsync().ConfigureAwait(false);

        // The shell is gone; background jobs it left in the group belong to the finished task.
        _input?.Close();
        ReportKillFailure(process, process.KillGroup());
        _exited = true;

        // Once the killed group's descriptors are closed too, the master reads what is left, then EIO.
        terminal?.CloseSlave();
        await Task.WhenAll(stdout, stderr, screen).ConfigureAwait(false);

        // The result means "nothing of this task runs any more": wait until the killed group is reaped.
        if (!await process.WaitUntilGoneAsync(_options.StopDrainTimeout, _timeProvider).ConfigureAwait(false))
        {
            AgentLog.GroupOutlivedTask(_logger, TaskId, process.ProcessId);
        }

        abort.ThrowIfCancellationRequested();
        var (reason, message) = GetStop();
        var (outcome, error) = Describe(reason, message);
        await PublishResultAsync(outcome, exitCode, error, abort).ConfigureAwait(false);
    }

    /// <summary>Records the started process in the ledger (if any); a failure is logged, the task still runs.</summary>
    private RunRecord? RecordRun(ProcessGroup process)
    {
        if (_ledger is null)
        {
            return null;
        }

        try
        {
            return _ledger.Add(TaskId, process.ProcessId, process.OwnsGroup);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            AgentLog.RunLedgerFailed(_logger, TaskId, process.ProcessId, $"recording it failed ({ex.Message}); should the agent be killed, this run would outlive it unnoticed");
            return null;
        }
    }

    /// <summary>
    /// Deletes the run's ledger record once nothing of it runs any more. A group that outlived its task (or the
    /// shell of an abandoned task without a group) stays recorded, so the next agent start stops it.
    /// </summary>
    private async Task ForgetRunIfGoneAsync()
    {
        ProcessGroup? process;
        RunRecord? run;
        lock (_lock)
        {
            (process, run) = (_process, _run);
        }

        if (_ledger is null || process is null || run is null)
        {
            return;
        }

        var gone = process.OwnsGroup
            ? await process.WaitUntilGoneAsync(TimeSpan.Zero, _timeProvider).ConfigureAwait(false)
            : process.HasExited;
        if (!gone)
        {
            return;
        }

        try
        {
            _ledger.Remove(run);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Harmless: the next start finds the pid gone (or reused, with another start time) and drops it.
            AgentLog.RunLedgerFailed(_logger, TaskId, run.ProcessId, $"removing its record failed ({ex.Message})");
        }
    }

    private (TaskStopReason Reason, string Message) GetStop()
    {
        lock (_lock)
        {
            return (_stopReason, _stopMessage);
        }
    }

    private (TaskOutcome Outcome, string Error) Describe(TaskStopReason reason, string message) => reason switch
    {
        TaskStopReason.Cancelled => (TaskOutcome.Cancelled, message.Length > 0 ? message : "Cancelled."),
        TaskStopReason.TimedOut => (TaskOutcome.TimedOut, $"Timed out after {_dispatch.TimeoutSeconds} s."),
        _ => (TaskOutcome.Exited, ""),
    };

    private async Task PumpOutputAsync(Stream pipe, OutputStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[_options.ReadBufferSize];
        try
        {
            while (true)
            {
                var read = await pipe.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                var chunk = new OutputChunk { Stream = stream, Data = ByteString.CopyFrom(buffer, 0, read) };
                await _sink.PublishAsync(new TaskEvent { Output = chunk }, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            AgentLog.OutputCutAfterStop(_logger, TaskId, stream);
        }
        catch (IOException ex)
        {
            AgentLog.OutputReadFailed(_logger, TaskId, stream, ex.Message);
        }
    }

    private async Task PublishResultAsync(TaskOutcome outcome, int exitCode, string error, CancellationToken abort)
    {
        var result = new TaskResult { Outcome = outcome, ExitCode = exitCode, Error = error };
        await _sink.PublishAsync(new TaskEvent { Result = result }, abort).ConfigureAwait(false);
        AgentLog.TaskFinished(_logger, TaskId, outcome, exitCode);
    }

    private void ReportKillFailure(ProcessGroup process, string? failure)
    {
        if (failure is not null)
        {
            AgentLog.KillFailed(_logger, TaskId, process.ProcessId, failure);
        }
    }
}
