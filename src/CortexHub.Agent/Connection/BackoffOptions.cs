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

    /// <summary>Default <see cref="OutageMaxDelay"/>: 1 s.</summary>
    public static readonly TimeSpan DefaultOutageMaxDelay = TimeSpan.FromSeconds(1);

    /// <summary>Default <see cref="OutageWindow"/>: 2 min.</summary>
    public static readonly TimeSpan DefaultOutageWindow = TimeSpan.FromMinutes(2);

    /// <summary>Ceiling of the first delay. Default <see cref="DefaultInitialDelay"/>.</summary>
    public TimeSpan InitialDelay { get; set; } = DefaultInitialDelay;

    /// <summary>Largest ceiling a delay can have. Default <see cref="DefaultMaxDelay"/>.</summary>
    public TimeSpan MaxDelay { get; set; } = DefaultMaxDelay;

    /// <summary>Growth of the ceiling per failed attempt. Default <see cref="DefaultMultiplier"/>.</summary>
    public double Multiplier { get; set; } = DefaultMultiplier;

    /// <summary>
    /// Largest ceiling while <see cref="OutageWindow"/> lasts after the loss of a connection the hub had welcomed.
    /// A hub that answered moments ago is most likely restarting: retrying at least this often brings the node
    /// back within about this long of the hub's return, and a refused connection costs a down hub nothing. Full
    /// jitter still spreads a fleet over this interval. Default <see cref="DefaultOutageMaxDelay"/>.
    /// </summary>
    public TimeSpan OutageMaxDelay { get; set; } = DefaultOutageMaxDelay;

    /// <summary>
    /// How long after losing a welcomed connection delays stay within <see cref="OutageMaxDelay"/>; afterwards they
    /// grow to <see cref="MaxDelay"/> (a hub gone this long is not restarting). Default <see cref="DefaultOutageWindow"/>.
    /// </summary>
    public TimeSpan OutageWindow { get; set; } = DefaultOutageWindow;
}
