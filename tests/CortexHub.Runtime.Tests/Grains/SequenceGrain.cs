namespace CortexHub.Runtime.Tests.Grains;

public sealed class SequenceGrain(GrainProbe probe) : Grain, ISequenceGrain
{
    private readonly List<int> _values = [];
    private int _inside;
    private int _maxConcurrency;
    private int _ticks;

    public async ValueTask AppendAsync(int value)
    {
        // Yield in the middle of the turn: if turns could interleave, another call would get in here.
        _maxConcurrency = Math.Max(_maxConcurrency, Interlocked.Increment(ref _inside));
        await Task.Yield();
        _values.Add(value);
        Interlocked.Decrement(ref _inside);
    }

    public Task<IReadOnlyList<int>> GetAsync() => Task.FromResult<IReadOnlyList<int>>([.. _values]);

    public Task<int> GetMaxConcurrencyAsync() => Task.FromResult(_maxConcurrency);

    public Task FailAsync(string message) => throw new InvalidOperationException(message);

    public Task<int> StartTimerAsync(int periodMs)
    {
        RegisterTimer(async _ =>
        {
            _maxConcurrency = Math.Max(_maxConcurrency, Interlocked.Increment(ref _inside));
            await Task.Yield();
            _ticks++;
            Interlocked.Decrement(ref _inside);
            probe.Record("tick", GrainKey);
        }, TimeSpan.FromMilliseconds(periodMs), TimeSpan.FromMilliseconds(periodMs));
        return Task.FromResult(_ticks);
    }

    public Task<int> GetTicksAsync() => Task.FromResult(_ticks);
}
