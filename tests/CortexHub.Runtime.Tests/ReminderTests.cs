using CortexHub.Runtime.Tests.Grains;

namespace CortexHub.Runtime.Tests;

public sealed class ReminderTests
{
    [Fact]
    public async Task Reminders_100DueOn3Silos_EachFiresExactlyOncePerDueTime()
    {
        var probe = new ReminderProbe();
        // Small claim batches, so all three silos compete for the same due rows.
        await using var cluster = await ClusterFixture.StartAsync(StorageKind.Postgres, silos: 3, reminders: probe,
            configure: o => o.Configuration["CortexHub:Reminders:BatchSize"] = "7");
        var period = TimeSpan.FromMilliseconds(400);

        await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            cluster.GetGrain<IReminderGrain>($"r{i}", silo: i % 3).ScheduleAsync("tick", TimeSpan.FromMilliseconds(200), period)));
        await TestCluster.WaitUntilAsync(
            () => Task.FromResult(probe.Fires.GroupBy(f => f.GrainKey).Count(g => g.Count() >= 3) == 100),
            TimeSpan.FromSeconds(30),
            "all 100 reminders fired at least 3 times");
        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => cluster.GetGrain<IReminderGrain>($"r{i}").CancelAsync("tick")));

        var fires = probe.Fires.ToList();
        var duplicates = fires.GroupBy(f => (f.GrainKey, f.DueAt)).Where(g => g.Count() > 1).ToList();
        Assert.Empty(duplicates);
        Assert.All(fires, f => Assert.True(f.FiredAt >= f.DueAt, $"{f.GrainKey} fired before it was due"));
    }

    [Fact]
    public async Task Reminder_SiloKilledMidTick_SameDueTimeFiresElsewhereWithinTtlPlusPeriod()
    {
        var probe = new ReminderProbe { HangFirstFiring = true };
        var period = TimeSpan.FromSeconds(1);
        var ttl = TimeSpan.FromSeconds(2);
        await using var cluster = await ClusterFixture.StartAsync(StorageKind.Postgres, silos: 3, reminders: probe,
            configure: o => o.Configuration["CortexHub:Reminders:LeaseDuration"] = "00:01:00");
        await cluster.GetGrain<IReminderGrain>("survivor", silo: 0).ScheduleAsync("tick", TimeSpan.FromMilliseconds(100), period);

        // The first firing hangs on whichever silo claimed it; kill that silo while it holds the lease.
        var hung = await probe.FirstHungFiring.WaitAsync(TimeSpan.FromSeconds(10));
        var killedAt = DateTimeOffset.UtcNow;
        var victim = cluster.Silos.ToList().FindIndex(s => s.SiloId == hung.SiloId);
        cluster.KillSilo(victim);

        // The lease (1 minute) is released when the dead silo is declared dead (TTL), not by expiry.
        await TestCluster.WaitUntilAsync(
            () => Task.FromResult(probe.Fires.Any(f => f.DueAt == hung.DueAt)),
            ttl + period + TimeSpan.FromSeconds(3),
            "the hung due time fired on another silo");
        var refire = probe.Fires.First(f => f.DueAt == hung.DueAt);
        Assert.NotEqual(hung.SiloId, refire.SiloId);
        Assert.True(refire.FiredAt - killedAt <= ttl + period + TimeSpan.FromSeconds(1), $"re-fired {refire.FiredAt - killedAt} after the kill");
    }

    [Fact]
    public async Task Reminder_RegisteringSiloKilled_StillFiresOnAnotherSilo()
    {
        var probe = new ReminderProbe();
        await using var cluster = await ClusterFixture.StartAsync(StorageKind.Postgres, silos: 2, reminders: probe);
        await cluster.GetGrain<IReminderGrain>("orphan", silo: 0).ScheduleAsync("once", TimeSpan.FromMilliseconds(500), period: null);

        cluster.KillSilo(0);

        await TestCluster.WaitUntilAsync(() => Task.FromResult(probe.Fires.Any(f => f.GrainKey == "orphan")), TimeSpan.FromSeconds(10), "the one-shot reminder fired");
        Assert.Equal(cluster[1].SiloId, probe.Fires.Single(f => f.GrainKey == "orphan").SiloId);
    }

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task Reminder_OneShot_FiresOnceThenIsGone(StorageKind kind)
    {
        var probe = new ReminderProbe();
        await using var cluster = await ClusterFixture.StartAsync(kind, reminders: probe);
        await cluster.GetGrain<IReminderGrain>("single").ScheduleAsync("once", TimeSpan.FromMilliseconds(50), period: null);

        await TestCluster.WaitUntilAsync(() => Task.FromResult(!probe.Fires.IsEmpty), TimeSpan.FromSeconds(10), "the reminder fired");
        await TestCluster.WaitUntilAsync(
            async () => Convert.ToInt64(await cluster.Storage.ExecuteScalarAsync("SELECT count(*) FROM reminders")) == 0,
            TimeSpan.FromSeconds(5),
            "the one-shot reminder row was deleted");

        Assert.Single(probe.Fires);
        Assert.False(await cluster.GetGrain<IReminderGrain>("single").CancelAsync("once"));
    }

    [Fact]
    public void NextDueAfter_MissedTicks_SkipsToTheNextSlotOnTheGrid()
    {
        var due = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var period = TimeSpan.FromSeconds(10);

        Assert.Equal(due.AddSeconds(10), Reminders.ReminderService.NextDueAfter(due, period, due));
        Assert.Equal(due.AddSeconds(40), Reminders.ReminderService.NextDueAfter(due, period, due.AddSeconds(35)));
        Assert.Equal(due.AddSeconds(10), Reminders.ReminderService.NextDueAfter(due, period, due.AddSeconds(-5)));
    }
}
