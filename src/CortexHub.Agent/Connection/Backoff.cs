namespace CortexHub.Agent.Connection;

/// <summary>
/// Reconnect delays, exponential with full jitter: attempt n waits a uniformly random time in
/// <c>[0, min(MaxDelay, InitialDelay × Multiplierⁿ)]</c>. Full jitter spreads a fleet of nodes that lost the hub
/// at the same moment, so they do not all reconnect in lockstep. Not thread-safe (one per connection loop).
/// </summary>
public sealed class Backoff
{
    private readonly BackoffOptions _options;
    private readonly Func<double> _random;

    /// <summary>Creates the sequence.</summary>
    /// <param name="options">Delays.</param>
    /// <param name="random">Source of uniform numbers in [0, 1); default <see cref="Random.Shared"/>.</param>
    public Backoff(BackoffOptions options, Func<double>? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>Failed attempts since the last <see cref="Reset"/>.</summary>
    public int Attempt { get; private set; }

    /// <summary>The largest delay the next <see cref="NextDelay"/> can return.</summary>
    public TimeSpan Ceiling
    {
        get
        {
            // In doubles: InitialDelay × Multiplier^Attempt overflows TimeSpan long before the cap matters.
            var ceilingMs = _options.InitialDelay.TotalMilliseconds * Math.Pow(_options.Multiplier, Attempt);
            var maxMs = _options.MaxDelay.TotalMilliseconds;
            return TimeSpan.FromMilliseconds(double.IsFinite(ceilingMs) ? Math.Min(ceilingMs, maxMs) : maxMs);
        }
    }

    /// <summary>The delay before the next attempt; each call raises the ceiling until it reaches the cap.</summary>
    public TimeSpan NextDelay()
    {
        var ceiling = Ceiling;
        if (ceiling < _options.MaxDelay)
        {
            Attempt++;
        }

        var fraction = Math.Clamp(_random(), 0, 1);
        return TimeSpan.FromMilliseconds(ceiling.TotalMilliseconds * fraction);
    }

    /// <summary>Starts over from <see cref="BackoffOptions.InitialDelay"/> (after a connection that stayed up).</summary>
    public void Reset() => Attempt = 0;
}
