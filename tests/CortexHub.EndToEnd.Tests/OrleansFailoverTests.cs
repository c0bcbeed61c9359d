using System.Diagnostics;
using Xunit.Abstractions;

namespace CortexHub.EndToEnd.Tests;

/// <summary>
/// Orleans failover with real processes: three silo processes on one PostgreSQL, the silo holding
/// the pool reaper (a grain kept alive by a reminder) SIGKILLed. Orleans' membership (CortexHub's
/// defaults) must declare it dead and the reminder bring the reaper back on another silo.
/// </summary>
public sealed class OrleansFailoverTests(ITestOutputHelper output)
{
    private const string Started = "Pool reaper started on silo";

    [Fact]
    public async Task ReaperReminder_ItsSiloSigkilled_FiresOnAnotherSiloWithinSeconds()
    {
        using var storage = await TestStorage.CreateAsync(StorageKind.Postgres);
        await using var cluster = await ProcessCluster.StartAsync(new ProcessClusterOptions
        {
            ConnectionString = storage.ConnectionString!,
            Schema = storage.Schema!,
            Nginx = false,
            Environment = new(ProcessClusterOptions.FastFailover()) { ["Logging__LogLevel__CortexHub.Grains.Pool.PoolReaperGrain"] = "Information" },
        });

        // The reaper's host: the latest start logged (lines begin with the time of day), once
        // placement has settled while the silos joined.
        await WaitUntilAsync(() => Starts(cluster).Any(), TimeSpan.FromSeconds(60), cluster);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var host = Starts(cluster).OrderBy(s => s.Line, StringComparer.Ordinal).Last().Silo;
        var before = Starts(cluster).Count(s => s.Silo != host);
        var clock = Stopwatch.StartNew();
        cluster.Kill(host);

        await WaitUntilAsync(() => Starts(cluster).Count(s => s.Silo != host) > before, TimeSpan.FromSeconds(60), cluster);
        var next = Starts(cluster).Where(s => s.Silo != host).OrderBy(s => s.Line, StringComparer.Ordinal).Last().Silo;
        output.WriteLine($"reaper moved from silo {host} to silo {next} {clock.Elapsed.TotalSeconds:F1} s after SIGKILL");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the reaper took {clock.Elapsed} to come back");
    }

    private static IEnumerable<(int Silo, string Line)> Starts(ProcessCluster cluster) =>
        Enumerable.Range(0, cluster.Count)
            .SelectMany(silo => cluster.SiloOutput(silo).Split('\n').Where(l => l.Contains(Started, StringComparison.Ordinal)).Select(l => (silo, l)));

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, ProcessCluster cluster)
    {
        try
        {
            await TestCluster.WaitUntilAsync(() => Task.FromResult(condition()), timeout, $"a silo reports '{Started}'");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}{Environment.NewLine}{cluster.Output}");
        }
    }
}
