using System.Diagnostics;
using CortexHub.Runtime.Membership;
using CortexHub.Runtime.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CortexHub.Runtime.Hosting;

/// <summary>
/// Starts the silo's CortexHub side in order (storage and migrations, cluster-table registration,
/// the heartbeat loop) and stops it gracefully (leaving the cluster table) within
/// <see cref="SiloOptions.ShutdownTimeout"/>. <see cref="Kill"/> emulates a crash.
/// </summary>
internal sealed class SiloLifecycle(
    IStorageBackend backend,
    MembershipService membership,
    SiloIdentity silo,
    SiloKillSwitch killSwitch,
    IOptions<SiloOptions> options,
    ILogger<SiloLifecycle> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private CancellationTokenSource _loopsToken = new();
    private Task _loops = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        logger.SiloStarting(silo.SiloId, backend.Name);
        await backend.StartAsync(cancellationToken);
        _loopsToken = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, killSwitch.Token);
        await membership.RegisterAsync(cancellationToken);

        var token = _loopsToken.Token;
        _loops = Task.Run(() => membership.RunAsync(token), CancellationToken.None);
        logger.SiloStarted(silo.SiloId, clock.ElapsedMilliseconds);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (killSwitch.IsKilled)
        {
            return;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.ShutdownTimeout);
        logger.SiloStopping(silo.SiloId);
        await _stopping.CancelAsync();
        await _loops.WaitAsync(deadline.Token);
        await membership.LeaveAsync(deadline.Token);
        logger.SiloStopped(silo.SiloId);
    }

    /// <summary>Crash emulation: stop every loop; no hooks, no goodbye.</summary>
    public void Kill() => killSwitch.Kill();
}
