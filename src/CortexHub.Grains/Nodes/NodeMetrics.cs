using System.Diagnostics.Metrics;

namespace CortexHub.Grains.Nodes;

/// <summary>Node counters on meter <c>CortexHub.Nodes</c> (exported by the silo's /metrics).</summary>
public sealed class NodeMetrics : IDisposable
{
    public const string MeterName = "CortexHub.Nodes";

    private readonly Meter _meter;
    private readonly Counter<long> _heartbeats;

    public NodeMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _heartbeats = _meter.CreateCounter<long>("cortexhub.node.heartbeats", description: "Node heartbeats written (batched per silo).");
    }

    public void HeartbeatsFlushed(int count) => _heartbeats.Add(count);

    public void Dispose() => _meter.Dispose();
}
