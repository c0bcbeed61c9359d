namespace CortexHub.Agent.Tasks;

/// <summary>What <see cref="TaskRegistry.DispatchAsync"/> did with a dispatch.</summary>
public enum DispatchDecision
{
    /// <summary>New task: acknowledged and started.</summary>
    Started,

    /// <summary>The command id was seen before (a redelivery): acknowledged again, nothing started.</summary>
    DuplicateCommand,

    /// <summary>The task is still held (running, or finished but not acknowledged): acknowledged, not started again.</summary>
    DuplicateTask,

    /// <summary>The agent is stopping: not acknowledged, so the hub delivers it again later.</summary>
    Rejected,

    /// <summary>The dispatch names no task id: acknowledged (redelivering it cannot help) but not run.</summary>
    Invalid,
}
