using System.Diagnostics.Metrics;

namespace CortexHub.Grains.Pool;

/// <summary>
/// Work pool metrics on meter <c>CortexHub.Pool</c>. Counters count this silo's operations; the
/// gauges (depth per priority, in flight per node, age of the oldest item) describe the whole pool
/// and are reported by the silo that holds the reaper lease, from its latest sweep.
/// </summary>
public sealed class PoolMetrics : IDisposable
{
    public const string MeterName = "CortexHub.Pool";

    private readonly Meter _meter;
    private readonly Counter<long> _submitted;
    private readonly Counter<long> _claimed;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _returned;
    private volatile PoolStats? _latest;

    public PoolMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _submitted = _meter.CreateCounter<long>("cortexhub.pool.submitted", description: "Items submitted (new, not idempotent repeats).");
        _claimed = _meter.CreateCounter<long>("cortexhub.pool.claimed", description: "Claims (leases) granted to nodes.");
        _completed = _meter.CreateCounter<long>("cortexhub.pool.completed", description: "Items done.");
        _retried = _meter.CreateCounter<long>("cortexhub.pool.retried", description: "Failed claims returned to the pool for another attempt.");
        _deadLettered = _meter.CreateCounter<long>("cortexhub.pool.dead_lettered", description: "Items out of attempts.");
        _returned = _meter.CreateCounter<long>("cortexhub.pool.returned", description: "Claims the reaper ended (reason: expired or orphaned).");
        _meter.CreateObservableGauge("cortexhub.pool.depth", () => Latest(s => s.DepthByPriority.Select(p => new Measurement<long>(p.Value, new KeyValuePair<string, object?>("priority", p.Key)))),
            description: "Available items per priority.");
        _meter.CreateObservableGauge("cortexhub.pool.in_flight", () => Latest(s => s.InFlightByNode.Select(n => new Measurement<long>(n.Value, new KeyValuePair<string, object?>("node", n.Key)))),
            description: "Claimed items per node.");
        _meter.CreateObservableGauge("cortexhub.pool.oldest_age", () => Latest<double>(s => s.OldestAvailableAge is { } age ? [new Measurement<double>(age.TotalSeconds)] : []),
            unit: "s", description: "Age of the oldest available item.");
    }

    /// <summary>The latest sweep's view of the pool (set by the reaper lease holder).</summary>
    public PoolStats? LatestStats => _latest;

    internal void Observe(PoolStats? stats) => _latest = stats;

    internal void Submitted() => _submitted.Add(1);

    internal void Claimed(int count) => _claimed.Add(count);

    internal void Outcome(PoolItem item)
    {
        switch (item.State)
        {
            case PoolItemState.Done:
                _completed.Add(1);
                break;
            case PoolItemState.Dead:
                _deadLettered.Add(1);
                break;
            case PoolItemState.Available:
                _retried.Add(1);
                break;
        }
    }

    internal void Returned(string reason) => _returned.Add(1, new KeyValuePair<string, object?>("reason", reason));

    private IEnumerable<Measurement<T>> Latest<T>(Func<PoolStats, IEnumerable<Measurement<T>>> read) where T : struct =>
        _latest is { } stats ? read(stats) : [];

    public void Dispose() => _meter.Dispose();
}
