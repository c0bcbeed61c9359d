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

    public static TaskRunnerOptions RunnerOptions(int readBufferSize = TaskRunnerOptions.DefaultReadBufferSize) => new()
    {
        ReadBufferSize = readBufferSize,
    };
}
