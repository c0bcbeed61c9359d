namespace CortexHub.Runtime.Tests.Grains;

/// <summary>An in-memory grain that detects overlapping turns and records arrival order.</summary>
public interface ISequenceGrain : IGrain
{
    ValueTask AppendAsync(int value);

    Task<IReadOnlyList<int>> GetAsync();

    Task<int> GetMaxConcurrencyAsync();

    Task FailAsync(string message);

    Task<int> StartTimerAsync(int periodMs);

    Task<int> GetTicksAsync();
}
