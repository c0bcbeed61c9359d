namespace CortexHub.Benchmarks.Runtime;

public interface IPingGrain : IGrain
{
    Task<int> PingAsync(int value);
}
