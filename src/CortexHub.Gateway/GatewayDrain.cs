using Microsoft.Extensions.Hosting;

namespace CortexHub.Gateway;

/// <summary>
/// On shutdown, before the server waits for open requests, tells every connected node to
/// reconnect elsewhere and ends their streams, so long-lived streams never hold a drain hostage.
/// </summary>
internal sealed class GatewayDrain(NodeSessionRegistry registry, IHostApplicationLifetime lifetime) : IHostedService
{
    private Task _drain = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() => _drain = registry.DrainAllAsync("silo shutting down"));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _drain.WaitAsync(cancellationToken);
}
