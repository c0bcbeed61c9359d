namespace CortexHub.Agent.Connection;

/// <summary>
/// Reconnect delays, exponential with full jitter: attempt n waits a uniformly random time in
/// <c>[0, min(MaxDelay, InitialDelay × Multiplierⁿ)]</c>. Full jitter spreads a fleet of nodes that lost the hub
/// at the same moment, so they do not all reconnect in lockstep. Not thread-safe (one per connection loop).
/// </summary>
/// <remarks>
/// After the loss of a connection the hub had welcomed (<see cref="HubLost"/>) the sequence starts over and its
/// ceiling stays at most <see cref="BackoffOptions.OutageMaxDelay"/> for <see cref="BackoffOptions.OutageWindow"/>:
/// a hub that just answered is most likely restarting, and a node that let its delays grow while the hub was down
/// would come back long after it (a SIGKILLed silo restarts in seconds; 30 s ceilings made the first retry come
/// 11–25 s after it).
/// </remarks>
public sealed class Backoff
{
    private readonly BackoffOptions _options;
    private readonly Func<double> _random;
    private readonly TimeProvider _timeProvider;
    private DateTimeOffset? _outageStarted;

    /// <summary>Creates the sequence.</summary>
    /// <param name="options">Delays.</param>
    /// <param name="random">Source of uniform numbers in [0, 1); default <see cref="Random.Shared"/>.</param>
    /// <param name="timeProvider">Clock of the outage window; default the system clock.</param>
    public Backoff(BackoffOptions options, Func<double>? random = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _random = random ?? Random.Shared.NextDouble;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Failed attempts since the last <see cref="HubLost"/>.</summary>
    public int Attempt { get; private set; }

    /// <summary>The largest delay the next <see cref="NextDelay"/> can return.</summary>
    public TimeSpan Ceiling
    {
        get
        {
            var ceilingMs = UncappedCeilingMs;
            var maxMs = (InOutage ? Min(_options.OutageMaxDelay, _options.MaxDelay) : _options.MaxDelay).TotalMilliseconds;
            return TimeSpan.FromMilliseconds(double.IsFinite(ceilingMs) ? Math.Min(ceilingMs, maxMs) : maxMs);
        }
    }

    /// <summary>True within <see cref="BackoffOptions.OutageWindow"/> of the last <see cref="HubLost"/>.</summary>
    public bool InOutage => _outageStarted is { } started && _timeProvider.GetUtcNow() - started < _options.OutageWindow;

    /// <summary>The delay before the next attempt; each call raises the ceiling until it reaches the cap.</summary>
    public TimeSpan NextDelay()
    {
        var ceiling = Ceiling;

        // Grows underneath the outage cap too, so the delays go on from there once the window ends.
        if (UncappedCeilingMs < _options.MaxDelay.TotalMilliseconds)
        {
            Attempt++;
        }

        var fraction = Math.Clamp(_random(), 0, 1);
        return TimeSpan.FromMilliseconds(ceiling.TotalMilliseconds * fraction);
    }

    /// <summary>
    /// A connection the hub had welcomed was lost (or drained): starts over from <see cref="BackoffOptions.InitialDelay"/> and caps
    /// the ceiling at <see cref="BackoffOptions.OutageMaxDelay"/> for <see cref="BackoffOptions.OutageWindow"/>.
    /// </summary>
    public void HubLost()
    {
        Attempt = 0;
        _outageStarted = _timeProvider.GetUtcNow();
    }

    /// <summary>InitialDelay × Multiplier^Attempt, in doubles: it overflows TimeSpan long before the cap matters.</summary>
    private double UncappedCeilingMs => _options.InitialDelay.TotalMilliseconds * Math.Pow(_options.Multiplier, Attempt);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
