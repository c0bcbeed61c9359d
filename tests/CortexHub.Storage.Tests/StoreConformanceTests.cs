using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CortexHub.Storage.Tests;

/// <summary>
/// The contract every storage backend must meet, run once per backend by the subclasses below.
/// Each test gets its own store (temp folder or schema); no silo loops run, so the test drives
/// every store call and passes its own clock values.
/// </summary>
public abstract class StoreConformanceTests(StorageKind kind) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly GrainId Grain = new("conformance", "g1");
    private TestStorage _storage = null!;
    private IHost _host = null!;

    private IGrainStateStore States => _host.Services.GetRequiredService<IGrainStateStore>();

    private IReminderStore Reminders => _host.Services.GetRequiredService<IReminderStore>();

    private IMembershipStore Silos => _host.Services.GetRequiredService<IMembershipStore>();

    public async Task InitializeAsync()
    {
        _storage = await TestStorage.CreateAsync(kind);
        _host = TestCluster.BuildSiloHost(new TestClusterOptions { Storage = _storage }, "conformance-silo");
        await _host.Services.GetRequiredService<IStorageBackend>().StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await ((IAsyncDisposable)_host).DisposeAsync();
        _storage.Dispose();
    }

    [Fact]
    public async Task GrainState_NeverWritten_ReadsEmptyAtVersion0()
    {
        Assert.Equal(GrainStateRecord.Empty, await States.GrainStateReadAsync(Grain));
    }

    [Fact]
    public async Task GrainState_Writes_ReturnIncreasingVersionsAndReadBack()
    {
        Assert.Equal(1, await States.GrainStateWriteAsync(Grain, "{\"a\":1}", 0, T0));
        Assert.Equal(2, await States.GrainStateWriteAsync(Grain, "{\"a\":2}", 1, T0));

        Assert.Equal(new GrainStateRecord("{\"a\":2}", 2), await States.GrainStateReadAsync(Grain));
    }

    [Fact]
    public async Task GrainState_StaleWrite_ThrowsConflictNamingGrainAndVersions()
    {
        await States.GrainStateWriteAsync(Grain, "{}", 0, T0);
        await States.GrainStateWriteAsync(Grain, "{}", 1, T0);

        var conflict = await Assert.ThrowsAsync<GrainVersionConflictException>(() => States.GrainStateWriteAsync(Grain, "{\"stale\":true}", 1, T0));

        Assert.Equal(("conformance", "g1", 1L, 2L), (conflict.GrainType, conflict.GrainKey, conflict.ExpectedVersion, conflict.ActualVersion));
        Assert.Equal("{}", (await States.GrainStateReadAsync(Grain)).Payload);
    }

    [Fact]
    public async Task GrainState_ConcurrentFirstWrites_ExactlyOneWins()
    {
        var attempts = Enumerable.Range(0, 20).Select(async i =>
        {
            try
            {
                await States.GrainStateWriteAsync(Grain, $"{{\"by\":{i}}}", 0, T0);
                return true;
            }
            catch (GrainVersionConflictException)
            {
                return false;
            }
        });

        var results = await Task.WhenAll(attempts);

        Assert.Single(results, won => won);
        Assert.Equal(1, (await States.GrainStateReadAsync(Grain)).Version);
    }

    [Fact]
    public async Task GrainState_Clear_KeepsVersionGrowingSoStaleWritersFail()
    {
        await States.GrainStateWriteAsync(Grain, "{}", 0, T0);

        Assert.Equal(2, await States.GrainStateClearAsync(Grain, 1, T0));
        Assert.Equal(new GrainStateRecord(null, 2), await States.GrainStateReadAsync(Grain));
        await Assert.ThrowsAsync<GrainVersionConflictException>(() => States.GrainStateWriteAsync(Grain, "{}", 0, T0));
        Assert.Equal(3, await States.GrainStateWriteAsync(Grain, "{}", 2, T0));
    }

    [Fact]
    public async Task GrainState_KeysAreCaseAndTypeSensitive()
    {
        await States.GrainStateWriteAsync(new GrainId("conformance", "Key"), "{\"upper\":1}", 0, T0);
        await States.GrainStateWriteAsync(new GrainId("other", "key"), "{\"other\":1}", 0, T0);

        Assert.Equal(0, (await States.GrainStateReadAsync(new GrainId("conformance", "key"))).Version);
    }

    [Fact]
    public async Task Reminders_ClaimDue_LeasesOnlyDueUnleasedRowsOncePerLease()
    {
        await Reminders.ReminderUpsertAsync(new ReminderDefinition(Grain, "due", T0, TimeSpan.FromMinutes(1)));
        await Reminders.ReminderUpsertAsync(new ReminderDefinition(Grain, "later", T0.AddHours(1), null));

        var first = await Reminders.ReminderClaimDueAsync(new ReminderClaimParams("silo-a", T0.AddSeconds(1), TimeSpan.FromSeconds(30), 10));
        var second = await Reminders.ReminderClaimDueAsync(new ReminderClaimParams("silo-b", T0.AddSeconds(2), TimeSpan.FromSeconds(30), 10));
        var afterExpiry = await Reminders.ReminderClaimDueAsync(new ReminderClaimParams("silo-b", T0.AddSeconds(32), TimeSpan.FromSeconds(30), 10));

        var lease = Assert.Single(first);
        Assert.Equal(("due", T0, TimeSpan.FromMinutes(1), "silo-a"), (lease.Name, lease.DueAt, lease.Period!.Value, lease.Holder));
        Assert.Empty(second);
        Assert.Equal("silo-b", Assert.Single(afterExpiry).Holder);
    }

    [Fact]
    public async Task Reminders_CompleteWithCurrentTerm_AdvancesAndReleases()
    {
        await Reminders.ReminderUpsertAsync(new ReminderDefinition(Grain, "r", T0, TimeSpan.FromMinutes(1)));
        var lease = Assert.Single(await Reminders.ReminderClaimDueAsync(new ReminderClaimParams("silo-a", T0, TimeSpan.FromSeconds(30), 10)));

        Assert.True(await Reminders.ReminderCompleteAsync(lease, T0.AddMinutes(1)));

        Assert.Equal(T0.AddMinutes(1), Assert.Single(await Reminders.ReminderListAsync(Grain)).NextDueAt);
        Assert.Empty(await Reminders.ReminderClaimDueAsync(new ReminderClaimParams("silo-b", T0.AddSeconds(59), TimeSpan.FromSeconds(30), 10)));
        Assert.Single(await Reminders.ReminderClaimDueAsync(new ReminderClaimParams("silo-b", T0.AddMinutes(1), TimeSpan.FromSeconds(30), 10)));
    }

    [Fact]
    public async Task Reminders_CompleteWithLostTerm_ChangesNothing()
    {
        await Reminders.ReminderUpsertAsync(new ReminderDefinition(Grain, "r", T0, TimeSpan.FromMinutes(1)));
        var stale = Assert.Single(await Reminders.ReminderClaimDueAsync(new ReminderClaimParams("silo-a", T0, TimeSpan.FromSeconds(30), 10)));
        var current = Assert.Single(await Reminders.ReminderClaimDueAsync(new ReminderClaimParams("silo-b", T0.AddSeconds(31), TimeSpan.FromSeconds(30), 10)));
        Assert.True(await Reminders.ReminderCompleteAsync(current, T0.AddMinutes(1)));

        Assert.False(await Reminders.ReminderCompleteAsync(stale, T0.AddMinutes(5)));
        Assert.False(await Reminders.ReminderCompleteAsync(stale, null));

        Assert.Equal(T0.AddMinutes(1), Assert.Single(await Reminders.ReminderListAsync(Grain)).NextDueAt);
    }

    [Fact]
    public async Task Reminders_OneShotCompleted_IsDeleted()
    {
        await Reminders.ReminderUpsertAsync(new ReminderDefinition(Grain, "once", T0, null));
        var lease = Assert.Single(await Reminders.ReminderClaimDueAsync(new ReminderClaimParams("silo-a", T0, TimeSpan.FromSeconds(30), 10)));

        Assert.True(await Reminders.ReminderCompleteAsync(lease, null));

        Assert.Empty(await Reminders.ReminderListAsync(Grain));
    }

    [Fact]
    public async Task Reminders_ReleaseLeasesOfDeadSilo_MakesItsRemindersClaimableAtOnce()
    {
        await Reminders.ReminderUpsertAsync(new ReminderDefinition(Grain, "r1", T0, null));
        await Reminders.ReminderUpsertAsync(new ReminderDefinition(new GrainId("conformance", "g2"), "r2", T0, null));
        Assert.Equal(2, (await Reminders.ReminderClaimDueAsync(new ReminderClaimParams("dead-silo", T0, TimeSpan.FromHours(1), 10))).Count);

        Assert.Equal(2, await Reminders.ReminderReleaseLeasesAsync(["dead-silo", "other"]));

        Assert.Equal(2, (await Reminders.ReminderClaimDueAsync(new ReminderClaimParams("live-silo", T0.AddSeconds(1), TimeSpan.FromHours(1), 10))).Count);
    }

    [Fact]
    public async Task Reminders_ConcurrentClaims_NeverLeaseOneRowTwice()
    {
        for (var i = 0; i < 200; i++)
        {
            await Reminders.ReminderUpsertAsync(new ReminderDefinition(new GrainId("conformance", $"g{i}"), "r", T0, null));
        }

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(s =>
            Reminders.ReminderClaimDueAsync(new ReminderClaimParams($"silo-{s}", T0, TimeSpan.FromMinutes(1), 30))));

        var leased = claims.SelectMany(c => c).Select(l => l.Grain.Key).ToList();
        Assert.Equal(leased.Count, leased.Distinct().Count());
        Assert.Equal(200, leased.Count);
    }

    [Fact]
    public async Task Reminders_Upsert_ReschedulesAndDropsLease()
    {
        await Reminders.ReminderUpsertAsync(new ReminderDefinition(Grain, "r", T0, null));
        var lease = Assert.Single(await Reminders.ReminderClaimDueAsync(new ReminderClaimParams("silo-a", T0, TimeSpan.FromMinutes(5), 10)));

        await Reminders.ReminderUpsertAsync(new ReminderDefinition(Grain, "r", T0.AddSeconds(10), TimeSpan.FromSeconds(5)));

        Assert.False(await Reminders.ReminderCompleteAsync(lease, null));
        var rescheduled = Assert.Single(await Reminders.ReminderListAsync(Grain));
        Assert.Equal((T0.AddSeconds(10), TimeSpan.FromSeconds(5)), (rescheduled.NextDueAt, rescheduled.Period!.Value));
    }

    [Fact]
    public async Task Silos_MarkDead_ReturnsEachSilentSiloExactlyOnce()
    {
        await Silos.SiloRegisterAsync(new SiloRecord("a", "host-a", T0, T0, SiloStatus.Active));
        await Silos.SiloRegisterAsync(new SiloRecord("b", "host-b", T0, T0.AddSeconds(20), SiloStatus.Active));
        await Silos.SiloRegisterAsync(new SiloRecord("c", "host-c", T0, T0, SiloStatus.Active));

        var scans = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Silos.SiloMarkDeadAsync(T0.AddSeconds(10), "c")));

        Assert.Equal(["a"], scans.SelectMany(s => s));
        var statuses = (await Silos.SiloListAsync()).ToDictionary(s => s.SiloId, s => s.Status);
        Assert.Equal(SiloStatus.Dead, statuses["a"]);
        Assert.Equal(SiloStatus.Active, statuses["b"]);
        Assert.Equal(SiloStatus.Active, statuses["c"]);
    }

    [Fact]
    public async Task Silos_HeartbeatAfterDeclaredDead_ReturnsFalseUntilReRegistered()
    {
        await Silos.SiloRegisterAsync(new SiloRecord("a", "host-a", T0, T0, SiloStatus.Active));
        Assert.True(await Silos.SiloHeartbeatAsync("a", T0.AddSeconds(1)));
        await Silos.SiloMarkOthersDeadAsync("someone-else");

        Assert.False(await Silos.SiloHeartbeatAsync("a", T0.AddSeconds(2)));
        await Silos.SiloRegisterAsync(new SiloRecord("a", "host-a", T0, T0.AddSeconds(3), SiloStatus.Active));
        Assert.True(await Silos.SiloHeartbeatAsync("a", T0.AddSeconds(4)));
    }

    [Fact]
    public async Task Silos_Leave_MarksLeftAndStopsHeartbeats()
    {
        await Silos.SiloRegisterAsync(new SiloRecord("a", "host-a", T0, T0, SiloStatus.Active));

        await Silos.SiloLeaveAsync("a", T0.AddSeconds(1));

        Assert.Equal(SiloStatus.Left, Assert.Single(await Silos.SiloListAsync()).Status);
        Assert.False(await Silos.SiloHeartbeatAsync("a", T0.AddSeconds(2)));
    }

    [Fact]
    public async Task Migrations_StartedAgain_AreIdempotent()
    {
        var backend = _host.Services.GetRequiredService<IStorageBackend>();
        await States.GrainStateWriteAsync(Grain, "{\"kept\":true}", 0, T0);
        var applied = Convert.ToInt64(await _storage.ExecuteScalarAsync("SELECT count(*) FROM schema_migrations"));

        await backend.StartAsync(CancellationToken.None);

        await backend.PingAsync(CancellationToken.None);
        Assert.Equal("{\"kept\":true}", (await States.GrainStateReadAsync(Grain)).Payload);
        Assert.True(applied >= 2, $"expected every migration to be recorded, found {applied}");
        Assert.Equal(applied, Convert.ToInt64(await _storage.ExecuteScalarAsync("SELECT count(*) FROM schema_migrations")));
    }
}
