using System.Globalization;
using System.Text;
using CortexHub.Grains.Limits;
using CortexHub.Grains.Storage;
using Microsoft.Extensions.Options;

namespace CortexHub.Grains.Pool;

/// <summary>
/// The work pool's API, usable on any silo: validates requests, routes item operations to the
/// owning shard grain (the shard is part of the item id), lease outcomes to this silo's group
/// commit (<see cref="PoolOutcomes"/>), and reads straight from storage.
/// </summary>
public sealed class WorkPool(
    Orleans.IGrainFactory grains, IPoolStore store, PoolOutcomes outcomes, IOptions<PoolOptions> options, IOptions<InputLimits> limits, TimeProvider time)
{
    private readonly PoolOptions _options = options.Value;
    private readonly InputLimits _limits = limits.Value;

    public async Task<PoolSubmitResult> SubmitAsync(PoolSubmitRequest request)
    {
        Validate(request);

        // A keyed submit always lands on the same shard, so its repeats meet the first one there.
        var shard = request.IdempotencyKey is { } key
            ? (int)(StableHash(request.CreatedBy + "\n" + key) % (uint)_options.Shards)
            : Random.Shared.Next(_options.Shards);
        var itemId = $"p{shard}-{Guid.CreateVersion7():N}";
        return await Shard(shard).SubmitAsync(itemId, request);
    }

    public Task<PoolItem?> GetAsync(string itemId) =>
        ShardOf(itemId) is null ? Task.FromResult<PoolItem?>(null) : store.PoolGetAsync(itemId);

    public Task<IReadOnlyList<PoolItem>> ListAsync(PoolItemState? state = null, string? createdBy = null, long afterSeq = 0, int limit = 100) =>
        store.PoolListAsync(state, createdBy, Math.Max(0, afterSeq), Math.Clamp(limit, 1, 1000));

    public Task<PoolStats> StatsAsync() => store.PoolStatsAsync(time.GetUtcNow());

    public Task<PoolItem?> CancelAsync(string itemId, string reason)
    {
        new InvalidRequestException.Builder().CheckLength(reason, _limits.MaxReasonLength, "reason").ThrowIfAny();
        return ShardOf(itemId) is { } shard ? Shard(shard).CancelAsync(itemId, reason) : Task.FromResult<PoolItem?>(null);
    }

    public Task<PoolItem?> RequeueAsync(string itemId) =>
        ShardOf(itemId) is { } shard ? Shard(shard).RequeueAsync(itemId) : Task.FromResult<PoolItem?>(null);

    public Task<bool> DeleteAsync(string itemId) =>
        ShardOf(itemId) is { } shard ? Shard(shard).DeleteAsync(itemId) : Task.FromResult(false);

    /// <summary>Ends a lease as done (null when the term is stale).</summary>
    public Task<PoolItem?> CompleteAsync(PoolClaimRef claim, int exitCode) =>
        ShardOf(claim.ItemId) is null ? Task.FromResult<PoolItem?>(null) : outcomes.CompleteAsync(claim, exitCode);

    /// <summary>Ends a lease as failed: retry after backoff, or dead letter (null when the term is stale).</summary>
    public Task<PoolItem?> FailAsync(PoolClaimRef claim, string error, int? exitCode = null) =>
        ShardOf(claim.ItemId) is null ? Task.FromResult<PoolItem?>(null) : outcomes.FailAsync(claim, error, exitCode);

    /// <summary>The shard named in an item id (<c>p{shard}-{id}</c>), or null for an id that is not a pool item's.</summary>
    public static int? ShardOf(string itemId)
    {
        var dash = itemId.IndexOf('-', StringComparison.Ordinal);
        return itemId.Length > 2 && itemId[0] == 'p' && dash > 1
            && int.TryParse(itemId.AsSpan(1, dash - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var shard)
            ? shard
            : null;
    }

    /// <summary>FNV-1a over UTF-8: the same on every silo and every run (string.GetHashCode is randomized per process).</summary>
    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }

    private IPoolShardGrain Shard(int shard) => grains.GetGrain<IPoolShardGrain>(shard.ToString(CultureInfo.InvariantCulture));

    private void Validate(PoolSubmitRequest request) =>
        new InvalidRequestException.Builder()
            .Check(request.Work is not null && !string.IsNullOrWhiteSpace(request.Work.Command), "work.command", "A command is required.")
            .CheckWork(_limits, null, request.Work?.Command, request.Work?.WorkingDirectory, request.Work?.Environment, request.Work?.Timeout, "work.")
            .Check(request.Work?.Timeout is null || request.Work.Timeout > TimeSpan.Zero, "work.timeout", "Must be positive.")
            .Check(!string.IsNullOrWhiteSpace(request.CreatedBy), "createdBy", "The submitter is required.")
            .Check(Math.Abs((long)request.Priority) <= PoolOptions.MaxPriority, "priority", $"Must be between -{PoolOptions.MaxPriority} and {PoolOptions.MaxPriority}.")
            .CheckLabels(_limits, request.RequiredLabels, "requiredLabels")
            .Check(request.IdempotencyKey is null || request.IdempotencyKey.Length is > 0 and <= PoolOptions.MaxIdempotencyKeyLength,
                "idempotencyKey", $"Must be 1 to {PoolOptions.MaxIdempotencyKeyLength} characters.")
            .Check(request.MaxAttempts is null or (>= 1 and <= PoolOptions.MaxAttemptsLimit), "maxAttempts", $"Must be between 1 and {PoolOptions.MaxAttemptsLimit}.")
            .Check(request.VisibilityTimeout is null || request.VisibilityTimeout >= TimeSpan.FromSeconds(1), "visibilityTimeout", "Must be at least 1 second.")
            .Check(request.Delay is null || request.Delay >= TimeSpan.Zero, "delay", "Cannot be negative.")
            .ThrowIfAny();
}
