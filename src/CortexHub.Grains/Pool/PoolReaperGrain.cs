using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;

namespace CortexHub.Grains.Pool;

/// <summary>
/// Runs <see cref="PoolReaper"/> sweeps on a grain timer. Orleans keeps one activation in the
/// cluster, so one silo sweeps at a time without a lease of our own; the timer keeps the activation
/// alive, and the reminder (which survives silos) activates it again elsewhere after a crash.
/// </summary>
[Orleans.GrainType("pool-reaper")]
public sealed partial class PoolReaperGrain(
    PoolReaper reaper,
    PoolMetrics metrics,
    ILocalSiloDetails silo,
    IOptions<PoolOptions> options,
    ILogger<PoolReaperGrain> logger) : Grain, IPoolReaperGrain, Orleans.IRemindable
{
    public const string Key = "pool";
    public const string KeepAliveReminder = "keep-alive";

    /// <summary>The reminder's period: after a crash the reaper is back within about this long (plus failure detection).</summary>
    public static readonly TimeSpan KeepAlivePeriod = TimeSpan.FromSeconds(2);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var interval = options.Value.ReaperInterval;
        this.RegisterGrainTimer(SweepAsync, new GrainTimerCreationOptions(interval, interval) { KeepAlive = true });
        LogStarted(silo.SiloAddress.ToString(), interval);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.Observe(null); // the next activation's silo reports the pool gauges
        return Task.CompletedTask;
    }

    public async Task StartAsync() => await this.RegisterOrUpdateReminder(KeepAliveReminder, KeepAlivePeriod, KeepAlivePeriod);

    public Task<PoolReaperStatus> GetStatusAsync() => Task.FromResult(new PoolReaperStatus(silo.SiloAddress.ToString(), reaper.Sweeps));

    // Activation is all a tick is for.
    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        try
        {
            await reaper.SweepAsync(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogSweepFailed(ex, ErrorId.New()); // the next tick tries again
        }
    }

    [LoggerMessage(4406, LogLevel.Information, "Pool reaper started on silo {Silo}, sweeping every {Interval}")]
    private partial void LogStarted(string silo, TimeSpan interval);

    [LoggerMessage(4404, LogLevel.Warning, "Pool reaper sweep failed (error id {ErrorId}); retrying next interval")]
    private partial void LogSweepFailed(Exception exception, string errorId);
}
