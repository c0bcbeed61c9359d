using System.Diagnostics;

namespace CortexHub.Benchmarks;

/// <summary>One measured scenario: operations per second and latency percentiles.</summary>
public sealed record Measurement(string Scenario, string Backend, int Concurrency, long Operations, double Seconds, double P50Ms, double P99Ms)
{
    /// <summary>Scenario-specific figures (MB/s, storage operations per 1,000 chunks, bytes per task…).</summary>
    public Dictionary<string, double> Extra { get; init; } = [];

    public double PerSecond => Operations / Seconds;

    /// <summary>
    /// Runs <paramref name="operation"/> from <paramref name="concurrency"/> callers for <paramref name="duration"/>
    /// after a warm-up of <paramref name="warmUp"/> operations per caller, recording every operation's latency.
    /// </summary>
    public static async Task<Measurement> RunAsync(string scenario, string backend, int concurrency, TimeSpan duration, Func<int, long, Task> operation, int warmUp = 200)
    {
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            for (var i = 0; i < warmUp; i++)
            {
                await operation(worker, i);
            }
        }));

        var stop = Stopwatch.StartNew();
        var perWorker = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var latencies = new List<double>(100_000);
            long i = 0;
            while (stop.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                await operation(worker, i++);
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            return latencies;
        })));
        var seconds = stop.Elapsed.TotalSeconds;
        var all = perWorker.SelectMany(l => l).Order().ToArray();
        return new Measurement(scenario, backend, concurrency, all.Length, seconds, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
