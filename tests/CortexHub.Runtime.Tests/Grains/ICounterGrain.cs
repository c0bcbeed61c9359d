namespace CortexHub.Runtime.Tests.Grains;

public interface ICounterGrain : IGrain
{
    Task<long> IncrementAsync(long by);

    Task<long> GetAsync();

    /// <summary>Changes state in memory only; the deactivation path must save it.</summary>
    Task SetWithoutWritingAsync(long value);

    Task DeactivateAsync();
}
