using Xunit.Abstractions;

namespace CortexHub.EndToEnd.Tests;

/// <summary>
/// Graceful stops of a multi-silo cluster while tasks stream: each SIGTERMed silo drains its nodes
/// to the others and hands its grains over. Nothing may be lost, and nothing may be logged as a
/// failure: a version conflict on a grain's state during the handover is a defect, not noise.
/// </summary>
public sealed class GracefulStopTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SilosStoppedGracefully_TasksStreaming_NoVersionConflictLogged_NothingLost()
    {
        using var storage = await TestStorage.CreateAsync(StorageKind.Postgres);
        await using var cluster = await StartClusterAsync(storage);
        await using var load = new ClusterWorkload(cluster, outputChunks: 20);
        await load.StartNodesAsync(12, poolSlots: 0, workTime: _ => TimeSpan.FromSeconds(40));
        await load.DispatchToEveryNodeAsync("stop");
        await load.WaitForAcknowledgedOutputAsync("stop", 3);

        // One silo stopped (its tasks and nodes move to the others), then the rest of the cluster.
        Assert.Equal(0, await cluster.StopAsync(0));
        await load.VerifyTasksCompleteAsync(TimeSpan.FromMinutes(2));
        Assert.All(await Task.WhenAll(Enumerable.Range(1, cluster.Count - 1).Select(silo => cluster.StopAsync(silo))), exit => Assert.Equal(0, exit));

        AssertNoVersionConflicts(cluster);
    }

    [Fact]
    public async Task WholeClusterStoppedGracefully_TasksStreaming_NoVersionConflictLogged_NothingLostAfterRestart()
    {
        using var storage = await TestStorage.CreateAsync(StorageKind.Postgres);
        await using var cluster = await StartClusterAsync(storage);
        await using var load = new ClusterWorkload(cluster, outputChunks: 20);
        await load.StartNodesAsync(12, poolSlots: 0, workTime: _ => TimeSpan.FromSeconds(30));
        await load.DispatchToEveryNodeAsync("all");
        await load.WaitForAcknowledgedOutputAsync("all", 3);

        Assert.All(await Task.WhenAll(Enumerable.Range(0, cluster.Count).Select(silo => cluster.StopAsync(silo))), exit => Assert.Equal(0, exit));
        AssertNoVersionConflicts(cluster);
        await cluster.StartAsync(0);
        await Task.WhenAll(Enumerable.Range(1, cluster.Count - 1).Select(cluster.StartAsync));

        await load.VerifyTasksCompleteAsync(TimeSpan.FromMinutes(3));
    }

    private static Task<ProcessCluster> StartClusterAsync(TestStorage storage) =>
        ProcessCluster.StartAsync(new ProcessClusterOptions
        {
            ConnectionString = storage.ConnectionString!,
            Schema = storage.Schema!,
            Environment = ProcessClusterOptions.FastFailover(),
        });

    private void AssertNoVersionConflicts(ProcessCluster cluster)
    {
        // A failure line names its category; the exception follows on the next lines.
        var lines = cluster.Output.Split('\n');
        var conflicts = Enumerable.Range(0, lines.Length)
            .Where(i => lines[i].Contains("InconsistentStateException", StringComparison.Ordinal) || (lines[i].Contains("fail:", StringComparison.Ordinal) && lines[i].Contains("ersion", StringComparison.Ordinal)))
            .Select(i => string.Join(Environment.NewLine, lines[Math.Max(0, i - 2)..Math.Min(lines.Length, i + 3)]))
            .ToList();
        output.WriteLine(string.Join(Environment.NewLine + "--" + Environment.NewLine, conflicts.Take(30)));
        Assert.True(conflicts.Count == 0, $"{conflicts.Count} log lines of version conflicts, the first:{Environment.NewLine}{conflicts.FirstOrDefault()}");
    }
}
