using CortexHub.Runtime;

namespace CortexHub.MicroBenchmarks.Runtime;

/// <summary>State in a field only, never persisted: a call costs the runtime's call path and nothing else.</summary>
public sealed class PingGrain : Grain, IPingGrain
{
    private long _calls;

    // No lock: the activation runs one call at a time.
    public Task<long> PingAsync() => Task.FromResult(++_calls);
}
