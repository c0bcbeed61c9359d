using CortexHub.Runtime.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CortexHub.Runtime.Membership;

/// <summary>
/// Keeps this silo's row in the cluster table alive and declares silent silos dead. This is the
/// whole failure detector: a database lease (heartbeat + TTL), no gossip, no votes. The silo that
/// marks a silo dead (the UPDATE returns each id once) runs the death handlers for it.
/// </summary>
internal sealed class MembershipService(
    IMembershipStore store,
    IStorageBackend backend,
    SiloIdentity silo,
    IEnumerable<ISiloDeathHandler> deathHandlers,
    IOptions<SiloOptions> options,
    TimeProvider time,
    RuntimeMetrics metrics,
    ILogger<MembershipService> logger)
{
    private readonly SiloOptions _options = options.Value;
    private int _consecutiveFailures;

    public async Task RegisterAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await store.SiloRegisterAsync(new SiloRecord(silo.SiloId, silo.AdvertisedAddress, silo.StartedAt, now, SiloStatus.Active), cancellationToken);
        logger.SiloRegistered(silo.SiloId, silo.AdvertisedAddress);
        if (backend.IsSingleSilo)
        {
            // We hold the store's exclusive lock, so any other "active" row is a crashed predecessor.
            await ReleaseAsync(await store.SiloMarkOthersDeadAsync(silo.SiloId, cancellationToken), cancellationToken);
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.HeartbeatInterval, time, cancellationToken);
                await RunOnceAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>One heartbeat plus one scan for dead silos. Failures are logged once per outage, not per beat.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!await store.SiloHeartbeatAsync(silo.SiloId, time.GetUtcNow(), cancellationToken))
            {
                logger.SiloRejoined(silo.SiloId);
                await RegisterAsync(cancellationToken);
            }

            metrics.HeartbeatWritten();
            var dead = await store.SiloMarkDeadAsync(time.GetUtcNow() - _options.SiloTtl, silo.SiloId, cancellationToken);
            await ReleaseAsync(dead, cancellationToken);
            if (_consecutiveFailures > 0)
            {
                logger.HeartbeatRecovered(silo.SiloId, _consecutiveFailures);
                _consecutiveFailures = 0;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (_consecutiveFailures++ == 0)
            {
                logger.HeartbeatFailed(ex, silo.SiloId);
            }
        }
    }

    /// <summary>Graceful exit: release this silo's leases and mark its row as left.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        await InvokeDeathHandlersAsync([silo.SiloId], cancellationToken);
        await store.SiloLeaveAsync(silo.SiloId, time.GetUtcNow(), cancellationToken);
        logger.SiloLeft(silo.SiloId);
    }

    private async Task ReleaseAsync(IReadOnlyList<string> dead, CancellationToken cancellationToken)
    {
        if (dead.Count == 0)
        {
            return;
        }

        foreach (var id in dead)
        {
            logger.SiloDeclaredDead(id);
        }

        await InvokeDeathHandlersAsync(dead, cancellationToken);
    }

    private async Task InvokeDeathHandlersAsync(IReadOnlyList<string> siloIds, CancellationToken cancellationToken)
    {
        foreach (var handler in deathHandlers)
        {
            try
            {
                await handler.OnSilosDeadAsync(siloIds, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.DeathHandlerFailed(ex, string.Join(",", siloIds), handler.GetType().Name);
            }
        }
    }
}
