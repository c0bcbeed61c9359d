namespace CortexHub.Agent.Connection;

/// <summary>Reconnect delays: exponential with full jitter.</summary>
public sealed class BackoffOptions
{
    /// <summary>Default <see cref="InitialDelay"/>: 200 ms.</summary>
    public static readonly TimeSpan DefaultInitialDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>Default <see cref="MaxDelay"/>: 30 s.</summary>
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromSeconds(30);

    /// <summary>Default <see cref="Multiplier"/>: 2.</summary>
    public const double DefaultMultiplier = 2;

    /// <summary>Default <see cref="ResetAfter"/>: 30 s.</summary>
    public static readonly TimeSpan DefaultResetAfter = TimeSpan.FromSeconds(30);

    /// <summary>Ceiling of the first delay. Default <see cref="DefaultInitialDelay"/>.</summary>
    public TimeSpan InitialDelay { get; set; } = DefaultInitialDelay;

    /// <summary>Largest ceiling a delay can have. Default <see cref="DefaultMaxDelay"/>.</summary>
    public TimeSpan MaxDelay { get; set; } = DefaultMaxDelay;

    /// <summary>Growth of the ceiling per failed attempt. Default <see cref="DefaultMultiplier"/>.</summary>
    public double Multiplier { get; set; } = DefaultMultiplier;

    /// <summary>
    /// A connection that stayed up (after Welcome) at least this long starts the delays over from
    /// <see cref="InitialDelay"/>. Default <see cref="DefaultResetAfter"/>.
    /// </summary>
    public TimeSpan ResetAfter { get; set; } = DefaultResetAfter;
}
