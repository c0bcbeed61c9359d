namespace CortexHub.Benchmarks.Runtime;

public sealed record CounterState
{
    public long Value { get; init; }
}
