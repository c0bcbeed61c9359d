using CortexHub.Grains.Storage;
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
    public async Task Migrations_StartedAgain_AreIdempotent()
    {
        var backend = _host.Services.GetRequiredService<IStorageBackend>();
        var directory = _host.Services.GetRequiredService<INodeDirectoryStore>();
        await directory.NodeDirectoryPutAsync("kept", "kept", "alice", new Dictionary<string, string>(), "1.0");
        var applied = Convert.ToInt64(await _storage.ExecuteScalarAsync("SELECT count(*) FROM schema_migrations"));

        await backend.StartAsync(CancellationToken.None);

        await backend.PingAsync(CancellationToken.None);
        Assert.Equal("kept", Assert.Single(await directory.NodeListAsync(null, T0, TimeSpan.FromSeconds(30), _ => true)).NodeId);
        Assert.True(applied >= 2, $"expected every migration to be recorded, found {applied}");
        Assert.Equal(applied, Convert.ToInt64(await _storage.ExecuteScalarAsync("SELECT count(*) FROM schema_migrations")));
    }

    [Theory]
    [InlineData("silos")]
    [InlineData("reminders")]
    [InlineData("node_terminal")]
    public async Task Migrations_DropRetiredTables(string table)
    {
        // Membership and reminders are Orleans' (orleans_silo, orleans_reminder) since migration 9;
        // the terminal ring went in migration 11 (a node's terminal is its sessions).
        var exists = kind == StorageKind.Postgres
            ? "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '" + table + "'"
            : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'";
        Assert.Equal(0L, Convert.ToInt64(await _storage.ExecuteScalarAsync(exists)));
    }
}
