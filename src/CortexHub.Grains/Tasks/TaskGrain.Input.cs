using CortexHub.Grains.Limits;
using CortexHub.Protocol.V1;

namespace CortexHub.Grains.Tasks;

/// <summary>
/// What goes to a running task after its dispatch: input bytes (a session's keystrokes, a plain
/// task's stdin) and terminal resizes, each a command in the node's durable outbox whose id names
/// its input offset or resize generation. The offset and generation live in their own small state,
/// written at every call. And what comes back, as bytes: the retained stdout by byte offset.
/// </summary>
public sealed partial class TaskGrain
{
    public async Task<InputAccepted> SendInputAsync(byte[] data, bool end)
    {
        ArgumentNullException.ThrowIfNull(data);
        new InvalidRequestException.Builder()
            .Check(data.Length <= InputLimits.MaxInputBytes, "data", $"At most {InputLimits.MaxInputBytes} bytes per call (got {data.Length}).")
            .ThrowIfAny();
        var spec = RequireRunning();
        if (!spec.TakesInput)
        {
            throw new InvalidOperationException($"Task {TaskId} takes no input: it was started without a terminal and without stdin open.");
        }

        if (input.State.InputEnded)
        {
            throw new InvalidOperationException($"Task {TaskId}: its input was already ended.");
        }

        var offset = input.State.InputBytes;
        var ends = end && !spec.IsSession; // a terminal has no end of input: Ctrl-D is a byte like any other
        if (data.Length == 0 && !ends)
        {
            return new InputAccepted(offset, 0);
        }

        // The command first: if the state write then fails, a retry of the same bytes lands on the same
        // command id, which the outbox ignores, so the node still gets them once.
        await EnqueueAsync(spec.NodeId, TaskDispatch.Input(TaskId, offset, data, ends));
        await SaveInputAsync(input.State with { InputBytes = offset + data.Length, InputEnded = ends });
        return new InputAccepted(offset, data.Length);
    }

    public async Task ResizeAsync(int columns, int rows)
    {
        TerminalSize.Check(new InvalidRequestException.Builder(), columns, rows).ThrowIfAny();
        var spec = RequireRunning();
        if (!spec.IsSession)
        {
            throw new InvalidOperationException($"Task {TaskId} has no terminal to resize.");
        }

        var size = new TerminalSize(columns, rows);
        var generation = input.State.ResizeGeneration + 1;
        await EnqueueAsync(spec.NodeId, TaskDispatch.Resize(TaskId, size, generation));
        await SaveInputAsync(input.State with { Terminal = size, ResizeGeneration = generation });
    }

    public Task<OutputSlice> ReadOutputAsync(long after, int maxBytes)
    {
        // Kept: everything while the head and tail still join up, else only the tail.
        var total = _stdout.TotalBytes;
        var retainedFrom = _stdout.IsTruncated ? total - _stdout.TailLength : 0;
        var from = Math.Clamp(after, retainedFrom, total);
        var length = (int)Math.Min(total - from, Math.Max(0, maxBytes));
        var data = new byte[length];
        var start = (int)(from - retainedFrom);
        var fromHead = _stdout.IsTruncated ? 0 : Math.Clamp(_stdout.HeadLength - start, 0, length);
        if (fromHead > 0)
        {
            _stdout.HeadSpan.Slice(start, fromHead).CopyTo(data);
        }

        // Tail bytes follow the head's directly when nothing was omitted (else the head is not served).
        var tailStart = _stdout.IsTruncated ? start : Math.Max(0, start - _stdout.HeadLength);
        _stdout.CopyTailTo(tailStart, data.AsSpan(fromHead));

        return Task.FromResult(new OutputSlice(from, data, retainedFrom, total, TaskTransitions.IsTerminal(State.State)));
    }

    /// <summary>The spec of a task that exists and has not finished; otherwise the refusal (409).</summary>
    private TaskSpec RequireRunning()
    {
        if (State.Spec is not { } spec)
        {
            throw new InvalidOperationException($"Task {TaskId} does not exist.");
        }

        if (TaskTransitions.IsTerminal(State.State))
        {
            throw new InvalidOperationException($"Task {TaskId} is over ({State.State.ToString().ToLowerInvariant()}): it takes no more input.");
        }

        return spec;
    }

    private async Task EnqueueAsync(string nodeId, HubMessage command) =>
        await EnqueueAsync(nodeId, command.BodyCase == HubMessage.BodyOneofCase.Input ? command.Input.CommandId : command.Resize.CommandId, command);

    private async Task SaveInputAsync(TaskInputState state)
    {
        input.State = state;
        try
        {
            await input.WriteStateAsync();
        }
        catch
        {
            // Memory may be ahead of storage: start the next call from what was stored.
            this.DeactivateOnIdle();
            throw;
        }
    }
}
