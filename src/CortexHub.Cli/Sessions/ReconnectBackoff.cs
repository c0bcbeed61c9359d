namespace CortexHub.Cli.Sessions;

/// <summary>
/// Waits between attempts to reach the hub again: 250 ms doubling up to 5 s, for at most <see cref="MaxOutage"/> since
/// the connection was lost; <see cref="Reset"/> after a success.
/// </summary>
public sealed class ReconnectBackoff(TimeProvider time)
{
    public static readonly TimeSpan InitialDelay = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    /// <summary>How long the hub may stay unreachable before giving up.</summary>
    public static readonly TimeSpan MaxOutage = TimeSpan.FromSeconds(60);

    private DateTimeOffset? _since;
    private TimeSpan _delay = InitialDelay;

    /// <summary>Whether an outage is going on (the connection was lost and not yet back).</summary>
    public bool InOutage => _since is not null;

    /// <summary>The connection is lost (or an attempt failed): the delay before the next attempt, or null once the outage lasted too long.</summary>
    public TimeSpan? NextDelay()
    {
        var now = time.GetUtcNow();
        _since ??= now;
        if (now - _since >= MaxOutage)
        {
            return null;
        }

        var delay = _delay;
        _delay = TimeSpan.FromTicks(Math.Min(_delay.Ticks * 2, MaxDelay.Ticks));
        return delay;
    }

    public void Reset()
    {
        _since = null;
        _delay = InitialDelay;
    }
}
