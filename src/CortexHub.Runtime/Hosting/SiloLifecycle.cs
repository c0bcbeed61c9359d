using System.Diagnostics;
using CortexHub.Runtime.Activation;
using CortexHub.Runtime.Membership;
using CortexHub.Runtime.Reminders;
using CortexHub.Runtime.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CortexHub.Runtime.Hosting;

/// <summary>
/// Starts the silo in order (storage and migrations, cluster-table registration, background loops)
/// and stops it gracefully (reminders, deactivations with state saves, lease release, leaving the
/// cluster table) within <see cref="SiloOptions.ShutdownTimeout"/>. <see cref="Kill"/> emulates a crash.
/// </summary>
internal sealed class SiloLifecycle(
    IStorageBackend backend,
    MembershipService membership,
    ReminderService reminders,
    ActivationCollector collector,
    GrainRuntime runtime,
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
        _loops = Task.WhenAll(
            Task.Run(() => membership.RunAsync(token), CancellationToken.None),
            Task.Run(() => reminders.RunAsync(token), CancellationToken.None),
            Task.Run(() => collector.RunAsync(token), CancellationToken.None));
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
        logger.SiloStopping(silo.SiloId, runtime.Directory.Count);

        // Stop claiming reminders first, so nothing new activates while we drain.
        await _stopping.CancelAsync();
        await _loops.WaitAsync(deadline.Token);
        await runtime.DeactivateAllAsync(deadline.Token);
        await membership.LeaveAsync(deadline.Token);
        logger.SiloStopped(silo.SiloId);
    }

    /// <summary>Crash emulation: stop every loop, fail queued calls, drop activations; no hooks, no saves, no goodbye.</summary>
    public void Kill()
    {
        killSwitch.Kill();
        runtime.AbandonAll();
    }
}
