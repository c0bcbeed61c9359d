using CortexHub.Protocol.V1;

namespace CortexHub.Grains.Tasks;

/// <summary>The message that takes a task to its node; one place builds it, so its size can be checked before anything is stored.</summary>
public static class TaskDispatch
{
    public static HubMessage Message(string taskId, string command, string? workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan? timeout)
    {
        var dispatch = new DispatchTask
        {
            CommandId = TaskGrain.DispatchCommandId(taskId),
            TaskId = taskId,
            Command = command,
            WorkingDirectory = workingDirectory ?? "",
            // Whole seconds on the wire, rounded up: 0.5 s must not become 0, which means no timeout.
            TimeoutSeconds = timeout is { } t ? (uint)Math.Ceiling(t.TotalSeconds) : 0,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            dispatch.Environment[key] = value;
        }

        return new HubMessage { Dispatch = dispatch };
    }

    public static HubMessage Message(string taskId, TaskSpec spec) =>
        Message(taskId, spec.Command, spec.WorkingDirectory, spec.Environment, spec.Timeout);
}
