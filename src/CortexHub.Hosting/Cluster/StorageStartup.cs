using CortexHub.Storage;
using Microsoft.Extensions.Hosting;
using Orleans;
using Orleans.Runtime;

namespace CortexHub.Hosting.Cluster;

/// <summary>
/// Opens storage and applies the schema migrations before anything reads the database: the
/// Orleans ADO.NET providers load their statements from the migrated <c>OrleansQuery</c> table when
/// the silo starts. As a hosted service registered ahead of the silo it runs first in the web host
/// (so a failure surfaces as itself, e.g. storage unavailable); as a silo lifecycle participant at
/// the very first stage it covers hosts that start only the silo (TestingHost). Starting twice is a
/// no-op.
/// </summary>
internal sealed class StorageStartup(IStorageBackend backend) : IHostedService, ILifecycleParticipant<ISiloLifecycle>
{
    public Task StartAsync(CancellationToken cancellationToken) => backend.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(StorageStartup), ServiceLifecycleStage.First, backend.StartAsync);
}
