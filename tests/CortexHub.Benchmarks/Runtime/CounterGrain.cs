using CortexHub.Grains;
using Orleans;
using Orleans.Runtime;

namespace CortexHub.Benchmarks.Runtime;

[Alias("cortexhub.bench.ICounterGrain")]
public interface ICounterGrain : IGrainWithStringKey
{
    [Alias("Increment")]
    Task<long> IncrementAsync();
}

/// <summary>One state write per call through Orleans' ADO.NET grain storage on CortexHub's schema: measures the persisted-write path.</summary>
public sealed class CounterGrain([PersistentState("counter", GrainStorage.Name)] IPersistentState<CounterState> state) : Grain, ICounterGrain
{
    public async Task<long> IncrementAsync()
    {
        state.State = new CounterState { Value = state.State.Value + 1 };
        await state.WriteStateAsync();
        return state.State.Value;
    }
}

[GenerateSerializer, Alias("cortexhub.bench.CounterState")]
public sealed record CounterState
{
    [Id(0)]
    public long Value { get; init; }
}
