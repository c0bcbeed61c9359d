using System.Diagnostics.Metrics;

namespace CortexHub.Storage;

/// <summary>Storage counters on meter <c>CortexHub.Storage</c>: one operation = one connection use (one round trip, or one batch).</summary>
public static class StorageMetrics
{
    public const string MeterName = "CortexHub.Storage";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> Operations = Meter.CreateCounter<long>("cortexhub.storage.operations", description: "Storage round trips (a batch counts once).");

    public static readonly Counter<long> Failures = Meter.CreateCounter<long>("cortexhub.storage.unavailable", description: "Storage operations that failed because storage was unreachable.");
}
