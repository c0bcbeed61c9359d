using System.Diagnostics.Metrics;

namespace CortexHub.Runtime;

/// <summary>Silo counters on meter <c>CortexHub.Runtime</c> (exported by the silo's /metrics).</summary>
public sealed class RuntimeMetrics : IDisposable
{
    public const string MeterName = "CortexHub.Runtime";

    private readonly Meter _meter;
    private readonly Counter<long> _heartbeats;
    private readonly Counter<long> _nodeHeartbeats;

    public RuntimeMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _heartbeats = _meter.CreateCounter<long>("cortexhub.silo.heartbeats", description: "Cluster-table heartbeats written by this silo.");
        _nodeHeartbeats = _meter.CreateCounter<long>("cortexhub.node.heartbeats", description: "Node heartbeats written (batched per silo).");
    }

    internal void HeartbeatWritten() => _heartbeats.Add(1);

    public void NodeHeartbeatsFlushed(int count) => _nodeHeartbeats.Add(count);

    public void Dispose() => _meter.Dispose();
}
