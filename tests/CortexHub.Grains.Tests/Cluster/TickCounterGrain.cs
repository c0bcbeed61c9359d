using Orleans;
using Orleans.Runtime;

namespace CortexHub.Grains.Tests.Cluster;

[Alias("cortexhub.tests.ITickCounterGrain")]
public interface ITickCounterGrain : IGrainWithStringKey
{
    [Alias("Start")]
    Task StartAsync();

    [Alias("GetTicks")]
    Task<int> GetTicksAsync();
}

/// <summary>Counts reminder ticks in persisted state: proves the reminder table and grain storage through CortexHub's schema.</summary>
public sealed class TickCounterGrain([PersistentState("ticks", GrainStorage.Name)] IPersistentState<TickCounterState> state) : Grain, ITickCounterGrain, Orleans.IRemindable
{
    public async Task StartAsync() => await this.RegisterOrUpdateReminder("tick", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    public Task<int> GetTicksAsync() => Task.FromResult(state.State.Ticks);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        state.State = new TickCounterState { Ticks = state.State.Ticks + 1 };
        await state.WriteStateAsync();
    }
}

[GenerateSerializer, Alias("cortexhub.tests.TickCounterState")]
public sealed record TickCounterState
{
    [Id(0)]
    public int Ticks { get; init; }
}
