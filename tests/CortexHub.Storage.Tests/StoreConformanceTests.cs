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
    private TestStorage _storage = null!;
    private IHost _host = null!;

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
        await Silos.SiloRegisterAsync(new SiloRecord("kept", "host", T0, T0, SiloStatus.Active));
        var applied = Convert.ToInt64(await _storage.ExecuteScalarAsync("SELECT count(*) FROM schema_migrations"));

        await backend.StartAsync(CancellationToken.None);

        await backend.PingAsync(CancellationToken.None);
        Assert.Equal("kept", Assert.Single(await Silos.SiloListAsync()).SiloId);
        Assert.True(applied >= 2, $"expected every migration to be recorded, found {applied}");
        Assert.Equal(applied, Convert.ToInt64(await _storage.ExecuteScalarAsync("SELECT count(*) FROM schema_migrations")));
    }
}
