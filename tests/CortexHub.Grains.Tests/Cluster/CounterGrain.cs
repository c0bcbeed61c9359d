using Orleans;
using Orleans.Runtime;

namespace CortexHub.Grains.Tests.Cluster;

[Alias("cortexhub.tests.ICounterGrain")]
public interface ICounterGrain : IGrainWithStringKey
{
    [Alias("Increment")]
    Task<long> IncrementAsync();

    [Alias("Get")]
    Task<long> GetAsync();

    [Alias("Deactivate")]
    Task DeactivateAsync();
}

/// <summary>
/// A persisted counter written on every call. A failed write leaves memory ahead of storage, so the
/// activation is dropped and the next call starts from what was stored (as the task grain does).
/// </summary>
public sealed class CounterGrain([PersistentState("counter", GrainStorage.Name)] IPersistentState<CounterState> state) : Grain, ICounterGrain
{
    public async Task<long> IncrementAsync()
    {
        state.State = new CounterState { Value = state.State.Value + 1 };
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            this.DeactivateOnIdle();
            throw;
        }

        return state.State.Value;
    }

    public Task<long> GetAsync() => Task.FromResult(state.State.Value);

    public Task DeactivateAsync()
    {
        this.DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

[GenerateSerializer, Alias("cortexhub.tests.CounterState")]
public sealed record CounterState
{
    [Id(0)]
    public long Value { get; init; }
}
