using Orleans;

namespace CortexHub.Benchmarks.Runtime;

[Alias("cortexhub.bench.IPingGrain")]
public interface IPingGrain : IGrainWithStringKey
{
    [Alias("Ping")]
    Task<int> PingAsync(int value);
}

/// <summary>No state, no I/O: measures Orleans' call path alone (reference, message, turn).</summary>
public sealed class PingGrain : Grain, IPingGrain
{
    public Task<int> PingAsync(int value) => Task.FromResult(value + 1);
}
