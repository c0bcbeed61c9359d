using CortexHub.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CortexHub.Storage.Tests;

/// <summary>LISTEN/NOTIFY hints between silos, and the resync after the listener lost its connection.</summary>
public sealed class PostgresNotifierTests
{
    [Fact]
    public async Task Notify_FromOneSilo_ReachesSubscribersOnAnother()
    {
        using var storage = await TestStorage.CreateAsync(StorageKind.Postgres);
        using var silo1 = await StartStorageAsync(storage, "n1");
        using var silo2 = await StartStorageAsync(storage, "n2");
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = silo2.Services.GetRequiredService<IClusterNotifier>().Subscribe("orders", p => received.TrySetResult(p));
        await silo2.Services.GetRequiredService<PostgresClusterNotifier>().Listening.WaitAsync(TimeSpan.FromSeconds(10));

        await silo1.Services.GetRequiredService<IClusterNotifier>().NotifyAsync("orders", "order-42");

        Assert.Equal("order-42", await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Listener_ServerRestarted_ReconnectsAndRaisesResync()
    {
        await using var server = await PostgresServer.StartAsync();
        var storage = TestStorage.ForPostgres(server.ConnectionString, "notify");
        using var silo = await StartStorageAsync(storage, "n1");
        var notifier = silo.Services.GetRequiredService<PostgresClusterNotifier>();
        await notifier.Listening.WaitAsync(TimeSpan.FromSeconds(10));
        var resynced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        notifier.Resync += () => resynced.TrySetResult();
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = notifier.Subscribe("work", p => received.TrySetResult(p));

        await server.StopAsync();
        await server.StartAgainAsync();
        await resynced.Task.WaitAsync(TimeSpan.FromSeconds(20));

        // Publishing is best effort: the first publish may meet a pooled connection that died with the server.
        await TestCluster.WaitUntilAsync(async () =>
        {
            try
            {
                await notifier.NotifyAsync("work", "after-restart");
                return true;
            }
            catch (StorageUnavailableException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(10), "a notification could be published again");

        Assert.Equal("after-restart", await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static async Task<IHost> StartStorageAsync(TestStorage storage, string siloId)
    {
        var host = TestCluster.BuildSiloHost(new TestClusterOptions { Storage = storage }, siloId);
        await host.Services.GetRequiredService<IStorageBackend>().StartAsync(CancellationToken.None);
        return host;
    }
}
