namespace CortexHub.Agent.Tests.Infrastructure;

/// <summary>Upper bounds for awaited signals, so a broken test fails instead of hanging the run.</summary>
public static class TestTimeouts
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);
}
