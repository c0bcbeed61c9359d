using Orleans;

namespace CortexHub.Grains.Pool;

/// <summary>Work for any capable node.</summary>
/// <param name="Priority">Higher runs first; FIFO within a priority.</param>
/// <param name="RequiredLabels">Only nodes having every one of these labels (same value) may claim the item.</param>
/// <param name="IdempotencyKey">A repeated submit with the same key (per submitter) returns the first item.</param>
/// <param name="MaxAttempts">Claims allowed before the item is dead-lettered (default <see cref="PoolOptions.DefaultMaxAttempts"/>).</param>
/// <param name="VisibilityTimeout">Lease length; the claiming node's heartbeats renew it (default <see cref="PoolOptions.DefaultVisibilityTimeout"/>).</param>
/// <param name="Delay">Not claimable before this much time has passed.</param>
[GenerateSerializer, Alias("cortexhub.PoolSubmitRequest")]
public sealed record PoolSubmitRequest(
    [property: Id(0)] PoolWork Work,
    [property: Id(1)] string CreatedBy,
    [property: Id(2)] int Priority = 0,
    [property: Id(3)] IReadOnlyDictionary<string, string>? RequiredLabels = null,
    [property: Id(4)] string? IdempotencyKey = null,
    [property: Id(5)] int? MaxAttempts = null,
    [property: Id(6)] TimeSpan? VisibilityTimeout = null,
    [property: Id(7)] TimeSpan? Delay = null);

/// <summary>The submitted item; <paramref name="Created"/> is false when an earlier submit with the same idempotency key made it.</summary>
[GenerateSerializer, Alias("cortexhub.PoolSubmitResult")]
public sealed record PoolSubmitResult([property: Id(0)] PoolItem Item, [property: Id(1)] bool Created);
