using CortexHub.Protocol.V1;

namespace CortexHub.Grains.Tasks;

/// <summary>The message that takes a task to its node; one place builds it, so its size can be checked before anything is stored.</summary>
public static class TaskDispatch
{
    public static HubMessage Message(
        string taskId, string command, string? workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan? timeout,
        TerminalSize? terminal = null, string? term = null, bool stdinOpen = false)
    {
        var dispatch = new DispatchTask
        {
            CommandId = TaskGrain.DispatchCommandId(taskId),
            TaskId = taskId,
            Command = command,
            WorkingDirectory = workingDirectory ?? "",
            // Whole seconds on the wire, rounded up: 0.5 s must not become 0, which means no timeout.
            TimeoutSeconds = timeout is { } t ? (uint)Math.Ceiling(t.TotalSeconds) : 0,
            Terminal = terminal is null ? null : new TerminalSpec { Columns = (uint)terminal.Columns, Rows = (uint)terminal.Rows, Term = term ?? "" },
            StdinOpen = stdinOpen && terminal is null,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            dispatch.Environment[key] = value;
        }

        return new HubMessage { Dispatch = dispatch };
    }

    public static HubMessage Message(string taskId, TaskSpec spec) =>
        Message(taskId, spec.Command, spec.WorkingDirectory, spec.Environment, spec.Timeout, spec.Terminal, spec.Term, spec.StdinOpen);

    /// <summary>Bytes for a task's stdin or terminal; the command id names the offset, so a repeat is ignored by the outbox.</summary>
    public static HubMessage Input(string taskId, long offset, byte[] data, bool end) => new()
    {
        Input = new TaskInput
        {
            CommandId = $"input:{taskId}:{offset}",
            TaskId = taskId,
            Offset = (ulong)offset,
            Data = Google.Protobuf.ByteString.CopyFrom(data),
            End = end,
        },
    };

    public static HubMessage Resize(string taskId, TerminalSize size, long generation) => new()
    {
        Resize = new ResizeTerminal
        {
            CommandId = $"resize:{taskId}:{generation}",
            TaskId = taskId,
            Columns = (uint)size.Columns,
            Rows = (uint)size.Rows,
            Generation = (ulong)generation,
        },
    };
}
