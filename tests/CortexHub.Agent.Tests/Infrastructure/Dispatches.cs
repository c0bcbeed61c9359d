namespace CortexHub.Agent.Tests.Infrastructure;

/// <summary>DispatchTask messages for tests.</summary>
public static class Dispatches
{
    public static DispatchTask Of(string command, string? taskId = null, string? commandId = null, uint timeoutSeconds = 0) => new()
    {
        TaskId = taskId ?? "task-" + Guid.NewGuid().ToString("N")[..8],
        CommandId = commandId ?? "cmd-" + Guid.NewGuid().ToString("N")[..8],
        Command = command,
        TimeoutSeconds = timeoutSeconds,
    };

    /// <summary>An interactive session: <paramref name="command"/> (empty: the login shell) on a terminal.</summary>
    public static DispatchTask Terminal(string command, uint columns = 80, uint rows = 24, string term = "")
    {
        var dispatch = Of(command);
        dispatch.Terminal = new TerminalSpec { Columns = columns, Rows = rows, Term = term };
        return dispatch;
    }

    /// <summary>A plain task whose stdin stays open for input.</summary>
    public static DispatchTask WithStdin(string command)
    {
        var dispatch = Of(command);
        dispatch.StdinOpen = true;
        return dispatch;
    }

    public static TaskInput Input(string taskId, ulong offset, string text, bool end = false) =>
        Input(taskId, offset, System.Text.Encoding.UTF8.GetBytes(text), end);

    public static TaskInput Input(string taskId, ulong offset, byte[] data, bool end = false) => new()
    {
        CommandId = $"input:{taskId}:{offset}",
        TaskId = taskId,
        Offset = offset,
        Data = Google.Protobuf.ByteString.CopyFrom(data),
        End = end,
    };

    public static ResizeTerminal Resize(string taskId, uint columns, uint rows, ulong generation) => new()
    {
        CommandId = $"resize:{taskId}:{generation}",
        TaskId = taskId,
        Columns = columns,
        Rows = rows,
        Generation = generation,
    };

    public static TaskRunnerOptions RunnerOptions(int readBufferSize = TaskRunnerOptions.DefaultReadBufferSize) => new()
    {
        ReadBufferSize = readBufferSize,
    };
}
