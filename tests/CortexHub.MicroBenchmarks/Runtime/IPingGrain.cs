namespace CortexHub.MicroBenchmarks.Runtime;

public interface IPingGrain : IGrain
{
    /// <summary>Returns how many calls this activation has served, this one included.</summary>
    Task<long> PingAsync();
}
