namespace CortexHub.Agent.Connection;

/// <summary>How one stream to the hub ended.</summary>
public enum SessionEnd
{
    /// <summary>The agent is stopping.</summary>
    Stopped,

    /// <summary>The hub rejected the token (UNAUTHENTICATED): do not retry.</summary>
    Unauthenticated,

    /// <summary>The hub asked the node to reconnect elsewhere (Drain): reconnect at once.</summary>
    Drained,

    /// <summary>The stream failed or ended: reconnect after a backoff delay.</summary>
    Lost,
}
