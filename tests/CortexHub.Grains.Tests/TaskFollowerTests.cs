using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace CortexHub.Grains.Tests;

public sealed class TaskFollowerTests
{
    [Theory]
    [InlineData(StorageKind.Sqlite, 1)]
    [InlineData(StorageKind.Postgres, 2)]
    public async Task Follow_FromASequence_YieldsLaterEventsLiveUntilTheTaskEnds(StorageKind kind, int silos)
    {
        var options = new TestClusterOptions { Storage = await TestStorage.CreateAsync(kind), InitialSilos = silos };
        await using var cluster = await TestCluster.StartAsync(options);
        var task = cluster.GetGrain<ITaskGrain>("t-follow");
        await task.DispatchAsync(new TaskSpec("n1", "build", "tester"));
        await task.AppendEventsAsync("n1", [Events.Started(1), Events.Out(2, "one\n"), Events.Out(3, "two\n")]);

        // Follow from silo (last) while the events are stored through silo 0; resume after sequence 2.
        var follower = cluster[silos - 1].Services.GetRequiredService<TaskFollower>();
        var seen = new List<long>();
        var following = Task.Run(async () =>
        {
            await foreach (var e in follower.FollowAsync("t-follow", afterSequence: 2))
            {
                seen.Add(e.Sequence);
            }
        });
        await task.AppendEventsAsync("n1", [Events.Out(4, "three\n")]);
        await task.AppendEventsAsync("n1", [Events.Exited(5, 0)]);

        await following.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal([3L, 4, 5], seen);
    }

    [Fact]
    public async Task PlainLog_StripsAnsiAndRepairsBadUtf8_RawKeepsBytes()
    {
        await using var cluster = await TestCluster.StartAsync(new TestClusterOptions { Storage = await TestStorage.CreateAsync(StorageKind.Sqlite) });
        var task = cluster.GetGrain<ITaskGrain>("t-plain");
        await task.DispatchAsync(new TaskSpec("n1", "ls --color", "tester"));
        await task.AppendEventsAsync("n1",
        [
            Events.Out(1, "\u001b[1;32mgreen\u001b[0m \u001b]0;title\u0007ok\r\n"),
            new TaskEventRecord(2, TaskEventKind.Output, OutputStreamKind.Stdout, [0xff, (byte)'!', (byte)'\n']),
        ]);

        var plain = await TaskLogReader.ReadAsync(task, OutputStreamKind.Stdout, plain: true);
        var raw = await TaskLogReader.ReadAsync(task, OutputStreamKind.Stdout, plain: false);

        Assert.Equal("green ok\n\uFFFD!\n", plain);
        Assert.StartsWith("\u001b[1;32mgreen", raw);
    }
}
