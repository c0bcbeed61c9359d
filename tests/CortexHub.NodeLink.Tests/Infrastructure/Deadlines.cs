namespace CortexHub.NodeLink.Tests.Infrastructure;

/// <summary>
/// How long a test waits for a signal before failing. Generous: the tests run on busy 2-core
/// machines beside other builds, and a deadline only matters when something is actually stuck.
/// </summary>
public static class Deadlines
{
    /// <summary>One call, one message, one acknowledgement.</summary>
    public static readonly TimeSpan Call = TimeSpan.FromSeconds(30);

    /// <summary>A burst of abuse: hundreds of streams or thousands of frames.</summary>
    public static readonly TimeSpan Burst = TimeSpan.FromMinutes(3);
}
