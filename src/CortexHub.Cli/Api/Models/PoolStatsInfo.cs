namespace CortexHub.Cli.Api.Models;

/// <summary>GET /api/v1/pool/stats: items per state, available items per priority, claims per node, the oldest wait.</summary>
public sealed record PoolStatsInfo(
    IReadOnlyDictionary<string, long>? Counts,
    IReadOnlyDictionary<string, long>? DepthByPriority,
    IReadOnlyDictionary<string, long>? InFlightByNode,
    TimeSpan? OldestAvailableAge);
