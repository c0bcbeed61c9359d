namespace CortexHub.Benchmarks.Runtime;

public interface ICounterGrain : IGrain
{
    Task<long> IncrementAsync();
}
