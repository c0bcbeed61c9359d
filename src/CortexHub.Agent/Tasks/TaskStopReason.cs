namespace CortexHub.Agent.Tasks;

/// <summary>Why a running task is being killed.</summary>
public enum TaskStopReason
{
    /// <summary>Not stopped: the command runs to its end.</summary>
    None,

    /// <summary>The hub cancelled it, or the agent is stopping: result CANCELLED.</summary>
    Cancelled,

    /// <summary>Its timeout passed: result TIMED_OUT.</summary>
    TimedOut,

    /// <summary>The hub does not know the task (Welcome said known=false): kill it and send nothing more.</summary>
    Abandoned,
}
