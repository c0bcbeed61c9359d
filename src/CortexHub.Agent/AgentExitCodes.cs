namespace CortexHub.Agent;

/// <summary>Process exit codes of <c>cortex-agent</c>, documented in the README.</summary>
public static class AgentExitCodes
{
    /// <summary>Stopped by SIGTERM/SIGINT (running tasks were killed first), or <c>--help</c>.</summary>
    public const int Ok = 0;

    /// <summary>An unexpected failure (a bug); the log has the error id and the exception.</summary>
    public const int Crashed = 1;

    /// <summary>Bad command line or settings; a usage message is on stderr.</summary>
    public const int UsageError = 2;

    /// <summary>The hub rejected the node's token (UNAUTHENTICATED): retrying with the same token cannot help.</summary>
    public const int Unauthenticated = 3;

    /// <summary>
    /// The state directory cannot be used: it cannot be created, or another agent holds it (two agents on one folder
    /// would take each other's tasks for survivors of a crash).
    /// </summary>
    public const int StateDirectoryUnusable = 4;
}
