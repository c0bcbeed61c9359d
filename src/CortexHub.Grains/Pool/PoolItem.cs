namespace CortexHub.Grains.Pool;

/// <summary>A work item as stored, with its current (or last) lease.</summary>
/// <param name="Seq">Submission order (FIFO within a priority; the cursor for listing).</param>
/// <param name="LeaseTerm">Grows with every claim; outcomes must name the term they end.</param>
/// <param name="TaskId">The task running (or that last ran) the item; its output is in the task journal.</param>
/// <param name="Dispatched">The current claim's task exists (from then on the node's heartbeats renew the lease).</param>
public sealed record PoolItem(
    string ItemId,
    long Seq,
    int Shard,
    PoolItemState State,
    int Priority,
    IReadOnlyDictionary<string, string> RequiredLabels,
    PoolWork Work,
    string CreatedBy,
    string? IdempotencyKey,
    int MaxAttempts,
    int Attempts,
    TimeSpan VisibilityTimeout,
    DateTimeOffset AvailableAt,
    long LeaseTerm,
    string? ClaimedBy,
    DateTimeOffset? ClaimedAt,
    DateTimeOffset? LeaseExpiresAt,
    string? TaskId,
    string? LastError,
    int? ExitCode,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt,
    bool Dispatched);

/// <summary>A claim as a task carries it: the item and the lease term the task's outcome ends.</summary>
public sealed record PoolClaimRef(string ItemId, long LeaseTerm);

/// <summary>A claim the reaper found past its lease or orphaned by its node.</summary>
public sealed record PoolLapsedClaim(string ItemId, long LeaseTerm, string? TaskId, string? ClaimedBy, string Reason);

/// <summary>A claimed item as the stale-claim audit sees it.</summary>
public sealed record PoolClaimedTask(string ItemId, string? TaskId);
