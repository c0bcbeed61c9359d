using Orleans;

namespace CortexHub.Grains.Pool;

/// <summary>A work item as stored, with its current (or last) lease.</summary>
/// <param name="Seq">Submission order (FIFO within a priority; the cursor for listing).</param>
/// <param name="LeaseTerm">Grows with every claim; outcomes must name the term they end.</param>
/// <param name="TaskId">The task running (or that last ran) the item; its output is in the task journal.</param>
/// <param name="Dispatched">The current claim's task exists (from then on the node's heartbeats renew the lease).</param>
[GenerateSerializer, Alias("cortexhub.PoolItem")]
public sealed record PoolItem(
    [property: Id(0)] string ItemId,
    [property: Id(1)] long Seq,
    [property: Id(2)] int Shard,
    [property: Id(3)] PoolItemState State,
    [property: Id(4)] int Priority,
    [property: Id(5)] IReadOnlyDictionary<string, string> RequiredLabels,
    [property: Id(6)] PoolWork Work,
    [property: Id(7)] string CreatedBy,
    [property: Id(8)] string? IdempotencyKey,
    [property: Id(9)] int MaxAttempts,
    [property: Id(10)] int Attempts,
    [property: Id(11)] TimeSpan VisibilityTimeout,
    [property: Id(12)] DateTimeOffset AvailableAt,
    [property: Id(13)] long LeaseTerm,
    [property: Id(14)] string? ClaimedBy,
    [property: Id(15)] DateTimeOffset? ClaimedAt,
    [property: Id(16)] DateTimeOffset? LeaseExpiresAt,
    [property: Id(17)] string? TaskId,
    [property: Id(18)] string? LastError,
    [property: Id(19)] int? ExitCode,
    [property: Id(20)] DateTimeOffset CreatedAt,
    [property: Id(21)] DateTimeOffset? FinishedAt,
    [property: Id(22)] bool Dispatched);

/// <summary>A claim as a task carries it: the item and the lease term the task's outcome ends.</summary>
[GenerateSerializer, Alias("cortexhub.PoolClaimRef")]
public sealed record PoolClaimRef([property: Id(0)] string ItemId, [property: Id(1)] long LeaseTerm);

/// <summary>A claim the reaper found past its lease or orphaned by its node.</summary>
public sealed record PoolLapsedClaim(string ItemId, long LeaseTerm, string? TaskId, string? ClaimedBy, string Reason);

/// <summary>A claimed item as the stale-claim audit sees it.</summary>
public sealed record PoolClaimedTask(string ItemId, string? TaskId);
