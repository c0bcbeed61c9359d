using CortexHub.Grains.Tasks;

namespace CortexHub.Grains.Tests;

/// <summary>The dispatch a node receives: the protocol carries whole seconds, so a timeout is never lost to rounding.</summary>
public sealed class TaskDispatchTests
{
    [Theory]
    [InlineData(0.5, 1u)]
    [InlineData(1.0, 1u)]
    [InlineData(1.9, 2u)]
    [InlineData(3600.0, 3600u)]
    public void Timeout_FractionalSeconds_RoundedUpToWholeSeconds(double seconds, uint expected) =>
        Assert.Equal(expected, TaskDispatch.Message("t1", "true", null, null, TimeSpan.FromSeconds(seconds)).Dispatch.TimeoutSeconds);

    [Fact]
    public void Timeout_None_IsZero() =>
        Assert.Equal(0u, TaskDispatch.Message("t1", "true", null, null, timeout: null).Dispatch.TimeoutSeconds);
}
