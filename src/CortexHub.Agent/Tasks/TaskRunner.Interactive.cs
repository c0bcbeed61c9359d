using CortexHub.Agent.Logging;
using CortexHub.Agent.Processes;
using CortexHub.Protocol.V1;
using Google.Protobuf;

namespace CortexHub.Agent.Tasks;

/// <summary>Terminal sessions and input: the parts of a run that only interactive dispatches have.</summary>
/// <remarks>
/// A dispatch with a <c>terminal</c> runs on a pseudo-terminal (<see cref="PseudoTerminal"/>): the shell opens the
/// slave as stdin, stdout, stderr and controlling terminal; the master is read on a thread of its own into STDOUT
/// chunks (same journal, same backpressure as pipes) until EIO, which comes once every process of the session
/// closed the terminal. Input (TaskInput) goes through a <see cref="TaskInputQueue"/> and an <see cref="InputWriter"/>
/// into the master, or into the stdin pipe of a plain task dispatched with <c>stdin_open</c>.
/// </remarks>
public sealed partial class TaskRunner
{
    /// <summary>Columns of a terminal whose spec names none.</summary>
    public const int DefaultColumns = 80;

    /// <summary>Rows of a terminal whose spec names none.</summary>
    public const int DefaultRows = 24;

    /// <summary>TERM of a terminal whose spec names none.</summary>
    public const string DefaultTerm = "xterm-256color";

    private readonly TaskInputQueue? _input;
    private (int Columns, int Rows) _size;
    private ulong _sizeGeneration;
    private volatile bool _exited;

    /// <summary>True for a terminal session, or a plain task dispatched with stdin kept open.</summary>
    public bool TakesInput => _dispatch.Terminal is not null || _dispatch.StdinOpen;

    /// <summary>Input bytes taken so far (the offset the next new input byte has).</summary>
    public ulong InputTaken => _input?.TakenOffset ?? 0;

    /// <summary>True for a terminal session.</summary>
    public bool HasTerminal => _dispatch.Terminal is not null;

    /// <summary>
    /// Offers one TaskInput: its bytes past those already taken are queued for the program, in order (see
    /// <see cref="TaskInputQueue"/>); <c>end</c> closes a plain task's stdin after them and is ignored for a terminal.
    /// </summary>
    public InputOffer OfferInput(TaskInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (_input is null)
        {
            return InputOffer.Ignored;
        }

        // A terminal has no end-of-file to give: Ctrl-D is input like any other.
        return _input.Offer(input.Offset, input.Data.Span, input.End && !HasTerminal);
    }

    /// <summary>
    /// Sets the terminal's size (the program gets SIGWINCH). A generation not newer than the last one applied is
    /// ignored, so a redelivered or overtaken resize cannot undo a later one.
    /// </summary>
    /// <returns>True when applied (or kept for the terminal about to open); false when ignored.</returns>
    public bool Resize(int columns, int rows, ulong generation)
    {
        if (!HasTerminal || columns < 1 || rows < 1 || columns > ushort.MaxValue || rows > ushort.MaxValue)
        {
            return false;
        }

        lock (_lock)
        {
            if (generation <= _sizeGeneration || _completion.Task.IsCompleted)
            {
                return false;
            }

            _sizeGeneration = generation;
            _size = (columns, rows);
            if (_terminal is { } terminal)
            {
                ApplySize(terminal);
            }
        }

        return true;
    }

    private static int SizeOrDefault(uint value, int fallback) => value is 0 or > ushort.MaxValue ? fallback : (int)value;

    /// <summary>Opens the terminal of a session (null for a plain task) at its current size.</summary>
    private PseudoTerminal? OpenTerminal()
    {
        if (!HasTerminal)
        {
            return null;
        }

        (int Columns, int Rows) size;
        lock (_lock)
        {
            size = _size;
        }

        return PseudoTerminal.Open(size.Columns, size.Rows);
    }

    /// <summary>Called under the lock.</summary>
    private void ApplySize(PseudoTerminal terminal)
    {
        try
        {
            terminal.Resize(_size.Columns, _size.Rows);
        }
        catch (IOException ex)
        {
            AgentLog.ResizeFailed(_logger, TaskId, ex.Message);
        }
    }

    /// <summary>The command; for a terminal without one, the user's login shell (<c>$SHELL -l</c>, else the task shell).</summary>
    private string CommandLine() =>
        HasTerminal && string.IsNullOrWhiteSpace(_dispatch.Command) ? "exec \"${SHELL:-$0}\" -l" : _dispatch.Command;

    /// <summary>The dispatch's variables, and TERM for a terminal.</summary>
    private IEnumerable<KeyValuePair<string, string>> Environment()
    {
        if (_dispatch.Terminal is not { } terminal)
        {
            return _dispatch.Environment;
        }

        var term = terminal.Term.Length > 0 ? terminal.Term : DefaultTerm;
        return _dispatch.Environment.Append(new KeyValuePair<string, string>("TERM", term));
    }

    /// <summary>Starts writing input into the terminal or the kept-open stdin; null when the task takes none.</summary>
    private InputWriter? StartInputWriter(ProcessGroup process, PseudoTerminal? terminal)
    {
        if (_input is null)
        {
            return null;
        }

        if (terminal is not null)
        {
            return InputWriter.Start(_input, terminal.Master, ownsTarget: false, TaskId, _logger);
        }

        try
        {
            return process.TakeStandardInput() is { } stdin ? InputWriter.Start(_input, stdin, ownsTarget: true, TaskId, _logger) : null;
        }
        catch (IOException ex)
        {
            AgentLog.InputWriteFailed(_logger, TaskId, ex.Message);
            _input.Close();
            return null;
        }
    }

    /// <summary>Reads the master on a thread of its own (a blocking poll) until EIO, a stop, or the abandon of the task.</summary>
    private Task PumpTerminalAsync(InterruptibleFile master, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => PumpTerminal(master, cancellationToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void PumpTerminal(InterruptibleFile master, CancellationToken cancellationToken)
    {
        using var interrupt = cancellationToken.Register(static state => ((InterruptibleFile)state!).Interrupt(), master);
        var buffer = new byte[_options.ReadBufferSize];
        var drainMilliseconds = (int)Math.Clamp(_options.StopDrainTimeout.TotalMilliseconds, 1, int.MaxValue);
        try
        {
            while (true)
            {
                var read = master.Read(buffer, drainMilliseconds);
                if (read == InterruptibleFile.TimedOut)
                {
                    // Once the session's processes are killed, what they wrote is already readable: a terminal still
                    // silent and open is held by a process that escaped the session (setsid), which may never close it.
                    if (_exited)
                    {
                        AgentLog.TerminalHeldOpen(_logger, TaskId);
                        return;
                    }

                    continue;
                }

                if (read == 0)
                {
                    return;
                }

                if (read < 0)
                {
                    AgentLog.OutputCutAfterStop(_logger, TaskId, OutputStream.Stdout);
                    return;
                }

                var chunk = new OutputChunk { Stream = OutputStream.Stdout, Data = ByteString.CopyFrom(buffer, 0, read) };

                // This thread is the terminal's alone: waiting here for acks is the backpressure on the program.
                _sink.PublishAsync(new TaskEvent { Output = chunk }, cancellationToken).AsTask().GetAwaiter().GetResult();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            AgentLog.OutputCutAfterStop(_logger, TaskId, OutputStream.Stdout);
        }
        catch (IOException ex)
        {
            AgentLog.OutputReadFailed(_logger, TaskId, OutputStream.Stdout, ex.Message);
        }
    }
}
