using System.Diagnostics.Metrics;
using CortexHub.Runtime.Tests.Grains;

namespace CortexHub.Runtime.Tests;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Increments_TwoSilos1000ConcurrentEach_EndAtExactly2000WithConflictsRetried()
    {
        var probe = new GrainProbe();
        long conflicts = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument is { Meter.Name: RuntimeMetrics.MeterName, Name: "cortexhub.grain.conflicts" })
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref conflicts, value));
        listener.Start();
        await using var cluster = await ClusterFixture.StartAsync(StorageKind.Postgres, silos: 2, probe: probe);

        var onA = cluster.GetGrain<ICounterGrain>("contended", silo: 0);
        var onB = cluster.GetGrain<ICounterGrain>("contended", silo: 1);
        var calls = Enumerable.Range(0, 1000).SelectMany(_ => new[] { onA.IncrementAsync(1), onB.IncrementAsync(1) }).ToList();
        await Task.WhenAll(calls);

        // Each silo's activation may be stale; a fresh read through a new activation is the truth.
        await onA.DeactivateAsync();
        Assert.Equal(2000, await onA.GetAsync());
        Assert.True(Interlocked.Read(ref conflicts) > 0, "two silos writing one grain should have met version conflicts");
        Assert.True(probe.Count("activate", "contended") > 2, "each conflict drops the activation and reloads it");
        Assert.Equal(2000, calls.Select(c => c.Result).Distinct().Count());
    }

    [Fact]
    public async Task Sqlite_SecondSiloOnSameStore_RefusesToStart()
    {
        await using var cluster = await ClusterFixture.StartAsync(StorageKind.Sqlite);

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(cluster.AddSiloAsync);

        Assert.Contains("in use by another silo", error.Message);
        Assert.Contains("PostgreSQL", error.Message);
    }
}
