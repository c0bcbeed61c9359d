using CortexHub.Benchmarks.Runtime;
using CortexHub.Testing;

namespace CortexHub.Benchmarks;

/// <summary>Orleans grain calls per second on one silo: an in-memory call and a persisted write, per backend.</summary>
public static class RuntimeBenchmark
{
    public static async Task<IReadOnlyList<Measurement>> RunAsync(StorageKind backend, TimeSpan duration)
    {
        using var storage = await TestStorage.CreateAsync(backend);
        await using var cluster = await TestCluster.StartAsync(new TestClusterOptions { Storage = storage });
        var grains = cluster[0].Cluster;
        var name = backend.ToString().ToLowerInvariant();
        var results = new List<Measurement>
        {
            await Measurement.RunAsync("in-memory call, 1 caller", name, 1, duration, (_, i) => grains.GetGrain<IPingGrain>("p0").PingAsync((int)i)),
            await Measurement.RunAsync("in-memory call, 64 callers x 64 grains", name, 64, duration, (w, i) => grains.GetGrain<IPingGrain>($"p{w}").PingAsync((int)i)),
            await Measurement.RunAsync("persisted write, 1 caller", name, 1, duration, (_, _) => grains.GetGrain<ICounterGrain>("c0").IncrementAsync()),
            await Measurement.RunAsync("persisted write, 64 callers x 64 grains", name, 64, duration, (w, _) => grains.GetGrain<ICounterGrain>($"c{w}").IncrementAsync()),
        };
        return results;
    }
}
