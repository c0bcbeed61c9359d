namespace CortexHub.Runtime.Tests.Grains;

public sealed record CounterState
{
    public long Value { get; init; }
}
