namespace CortexHub.Runtime.Tests.Grains;

[GrainType("test-counter")]
public sealed class CounterGrain(GrainProbe probe) : Grain<CounterState>, ICounterGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Record("activate", GrainKey);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Record("deactivate:" + reason, GrainKey);
        return Task.CompletedTask;
    }

    public async Task<long> IncrementAsync(long by)
    {
        State = State with { Value = State.Value + by };
        await WriteStateAsync();
        return State.Value;
    }

    public Task<long> GetAsync() => Task.FromResult(State.Value);

    public Task SetWithoutWritingAsync(long value)
    {
        State = State with { Value = value };
        return Task.CompletedTask;
    }

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
