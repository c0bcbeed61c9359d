using CortexHub.Runtime;

namespace CortexHub.Benchmarks.Runtime;

/// <summary>One versioned state write per call: measures the persisted-write path.</summary>
[GrainType("bench-counter")]
public sealed class CounterGrain : Grain<CounterState>, ICounterGrain
{
    public async Task<long> IncrementAsync()
    {
        State = State with { Value = State.Value + 1 };
        await WriteStateAsync();
        return State.Value;
    }
}
