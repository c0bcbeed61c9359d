namespace CortexHub.Runtime;

/// <summary>Tuning of activations. Bound from configuration section <c>CortexHub:Grains</c>.</summary>
public sealed class GrainRuntimeOptions
{
    public const string SectionName = "CortexHub:Grains";

    public static readonly TimeSpan DefaultIdleDeactivationAge = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultIdleCollectionInterval = TimeSpan.FromSeconds(30);
    public const int DefaultMaxConflictAttempts = 32;
    public static readonly TimeSpan DefaultConflictBackoffBase = TimeSpan.FromMilliseconds(2);
    public static readonly TimeSpan DefaultConflictBackoffMax = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan DefaultDeactivationTimeout = TimeSpan.FromSeconds(30);

    /// <summary>An activation that served no call for this long is deactivated (state saved, memory freed). Default 5 minutes.</summary>
    public TimeSpan IdleDeactivationAge { get; set; } = DefaultIdleDeactivationAge;

    /// <summary>How often the silo looks for idle activations. Default 30 seconds.</summary>
    public TimeSpan IdleCollectionInterval { get; set; } = DefaultIdleCollectionInterval;

    /// <summary>Attempts of one call when its state write keeps meeting newer versions (first try included). Two silos hammering one grain can starve one side for a while, so the budget is generous. Default 32.</summary>
    public int MaxConflictAttempts { get; set; } = DefaultMaxConflictAttempts;

    /// <summary>First backoff ceiling after a version conflict; doubles per attempt. Default 2 ms.</summary>
    public TimeSpan ConflictBackoffBase { get; set; } = DefaultConflictBackoffBase;

    /// <summary>Largest backoff ceiling after a version conflict. Default 200 ms.</summary>
    public TimeSpan ConflictBackoffMax { get; set; } = DefaultConflictBackoffMax;

    /// <summary>Longest time a deactivation hook plus state save may take. Default 30 seconds.</summary>
    public TimeSpan DeactivationTimeout { get; set; } = DefaultDeactivationTimeout;
}
