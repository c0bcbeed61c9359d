namespace CortexHub.Testing;

/// <summary>
/// Real time moved forward by hand: <see cref="GetUtcNow"/> is the system clock plus every
/// <see cref="Advance"/> so far, while timers, delays and timestamps run on real time. For silo tests
/// that skip days (retention): the whole silo shares the clock, Orleans included, and Orleans'
/// own timers must keep running — a fully manual clock would stop them and hang the silo.
/// </summary>
public sealed class ShiftedTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _offsetTicks, by.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    public override long GetTimestamp() => System.GetTimestamp();

    public override long TimestampFrequency => System.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, dueTime, period);
}
