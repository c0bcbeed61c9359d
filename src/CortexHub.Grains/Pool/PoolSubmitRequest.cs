namespace CortexHub.Grains.Pool;

/// <summary>Work for any capable node.</summary>
/// <param name="Priority">Higher runs first; FIFO within a priority.</param>
/// <param name="RequiredLabels">Only nodes having every one of these labels (same value) may claim the item.</param>
/// <param name="IdempotencyKey">A repeated submit with the same key (per submitter) returns the first item.</param>
/// <param name="MaxAttempts">Claims allowed before the item is dead-lettered (default <see cref="PoolOptions.DefaultMaxAttempts"/>).</param>
/// <param name="VisibilityTimeout">Lease length; the claiming node's heartbeats renew it (default <see cref="PoolOptions.DefaultVisibilityTimeout"/>).</param>
/// <param name="Delay">Not claimable before this much time has passed.</param>
public sealed record PoolSubmitRequest(
    PoolWork Work,
    string CreatedBy,
    int Priority = 0,
    IReadOnlyDictionary<string, string>? RequiredLabels = null,
    string? IdempotencyKey = null,
    int? MaxAttempts = null,
    TimeSpan? VisibilityTimeout = null,
    TimeSpan? Delay = null);

/// <summary>The submitted item; <paramref name="Created"/> is false when an earlier submit with the same idempotency key made it.</summary>
public sealed record PoolSubmitResult(PoolItem Item, bool Created);
