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

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _drain.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // An ungraceful stop does not wait for the nodes to hear the drain.
        }
    }
}
