namespace CortexHub.Runtime;

public enum DeactivationReason
{
    /// <summary>No call for longer than the configured idle age.</summary>
    Idle,

    /// <summary>The grain asked for it (<c>DeactivateOnIdle</c>).</summary>
    Requested,

    /// <summary>The silo is shutting down gracefully.</summary>
    SiloShutdown,
}
