using CortexHub.Runtime;

namespace CortexHub.Benchmarks.Runtime;

/// <summary>No state, no I/O: measures the runtime's call path alone (proxy, mailbox, turn).</summary>
public sealed class PingGrain : Grain, IPingGrain
{
    public Task<int> PingAsync(int value) => Task.FromResult(value + 1);
}
