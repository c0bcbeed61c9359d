using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CortexHub.Grains.Pool;

/// <summary>
/// Makes sure the reaper's reminder exists once this silo has joined the cluster (registered after
/// the Orleans silo, so it starts after it). Best effort and in the background: the reminder
/// normally exists already, and a silo must not fail its start because the reaper's current
/// activation sits on a silo that is just dying.
/// </summary>
internal sealed partial class PoolReaperStarter(Orleans.IGrainFactory grains, TimeProvider time, ILogger<PoolReaperStarter> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await grains.GetGrain<IPoolReaperGrain>(PoolReaperGrain.Key).StartAsync().WaitAsync(stoppingToken);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogStartFailed(ex.Message);
                await Task.Delay(RetryDelay, time, stoppingToken);
            }
        }
    }

    [LoggerMessage(4407, LogLevel.Information, "Could not reach the pool reaper yet ({Reason}); retrying")]
    private partial void LogStartFailed(string reason);
}
