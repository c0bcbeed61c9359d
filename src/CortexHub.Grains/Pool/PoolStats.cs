namespace CortexHub.Grains.Pool;

/// <summary>The pool at one moment.</summary>
/// <param name="Counts">Items per state.</param>
/// <param name="DepthByPriority">Available items per priority.</param>
/// <param name="InFlightByNode">Claimed items per node.</param>
/// <param name="OldestAvailableAge">Age of the oldest available item (null when none is waiting).</param>
public sealed record PoolStats(
    IReadOnlyDictionary<PoolItemState, long> Counts,
    IReadOnlyDictionary<int, long> DepthByPriority,
    IReadOnlyDictionary<string, long> InFlightByNode,
    TimeSpan? OldestAvailableAge);
