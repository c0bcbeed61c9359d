using System.Diagnostics.Metrics;

namespace CortexHub.Runtime;

/// <summary>Runtime counters on meter <c>CortexHub.Runtime</c> (exported by the silo's /metrics).</summary>
public sealed class RuntimeMetrics : IDisposable
{
    public const string MeterName = "CortexHub.Runtime";

    private readonly Meter _meter;
    private readonly Counter<long> _calls;
    private readonly UpDownCounter<long> _activations;
    private readonly Counter<long> _reminderFires;
    private readonly Counter<long> _heartbeats;
    private readonly Counter<long> _conflicts;
    private readonly Counter<long> _nodeHeartbeats;

    public RuntimeMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _calls = _meter.CreateCounter<long>("cortexhub.grain.calls", description: "Grain calls queued on this silo.");
        _activations = _meter.CreateUpDownCounter<long>("cortexhub.grain.activations", description: "Grain instances currently active on this silo.");
        _reminderFires = _meter.CreateCounter<long>("cortexhub.reminder.fires", description: "Reminder ticks delivered by this silo.");
        _heartbeats = _meter.CreateCounter<long>("cortexhub.silo.heartbeats", description: "Cluster-table heartbeats written by this silo.");
        _nodeHeartbeats = _meter.CreateCounter<long>("cortexhub.node.heartbeats", description: "Node heartbeats written (batched per silo).");
        _conflicts = _meter.CreateCounter<long>("cortexhub.grain.conflicts", description: "State writes that met a newer version (the call was retried or failed).");
    }

    internal void CallQueued() => _calls.Add(1);

    internal void ActivationCreated() => _activations.Add(1);

    internal void ActivationEnded() => _activations.Add(-1);

    internal void ReminderFired() => _reminderFires.Add(1);

    internal void HeartbeatWritten() => _heartbeats.Add(1);

    internal void ConflictDetected() => _conflicts.Add(1);

    public void NodeHeartbeatsFlushed(int count) => _nodeHeartbeats.Add(count);

    public void Dispose() => _meter.Dispose();
}
