namespace CortexHub.Grains.Pool;

/// <summary>Work pool settings, section <c>CortexHub:Pool</c>.</summary>
public sealed class PoolOptions
{
    public const string SectionName = "CortexHub:Pool";

    /// <summary>Pool shard grains; items spread over them by hash (of the idempotency key, else at random).</summary>
    public int Shards { get; set; } = 8;

    public TimeSpan DefaultVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public int DefaultMaxAttempts { get; set; } = 3;

    /// <summary>First retry delay; each further attempt doubles it up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A claim whose node's stream has been gone this long returns to the pool (the attempt counts).</summary>
    public TimeSpan OrphanGrace { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the reaper (one grain in the cluster) sweeps lapsed claims.</summary>
    public TimeSpan ReaperInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A claim still not marked dispatched this long after it was made (its silo died, or storage
    /// failed, between claim and dispatch) is settled by the reaper against its task, instead of
    /// waiting for its lease: marked if the task went out, given back if it never did.
    /// </summary>
    public TimeSpan DispatchGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Claims older than this are checked against their task (a result that never reached the pool is re-sent).</summary>
    public TimeSpan StaleClaimAudit { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Besides hints on new work, each silo looks for claimable items this often (delays and retry backoffs end silently).</summary>
    public TimeSpan DispatchPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Done and cancelled items are deleted this long after they finished (dead letters stay until handled).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Claims in flight at once per silo (nodes are served in parallel up to this).</summary>
    public int DispatchParallelism { get; set; } = 8;

    public const int MaxIdempotencyKeyLength = 200;
    public const int MaxAttemptsLimit = 100;
    public const int MaxPriority = 1_000_000;
}
