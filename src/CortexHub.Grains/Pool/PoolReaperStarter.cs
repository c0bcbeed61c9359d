using Microsoft.Extensions.Hosting;

namespace CortexHub.Grains.Pool;

/// <summary>Makes sure the reaper's reminder exists once this silo has joined the cluster (registered after the Orleans silo, so it starts after it).</summary>
internal sealed class PoolReaperStarter(Orleans.IGrainFactory grains) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => grains.GetGrain<IPoolReaperGrain>(PoolReaperGrain.Key).StartAsync();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
