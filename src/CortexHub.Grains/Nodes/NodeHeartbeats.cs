using System.Collections.Concurrent;
using CortexHub.Grains.Cluster;
using CortexHub.Grains.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CortexHub.Grains.Nodes;

/// <summary>
/// Heartbeats are metrics, not writes per beat: streams record them here in memory, and one
/// statement per flush refreshes last-seen for every node of this silo. A slow store delays the
/// flush only; no heartbeat caller ever waits on storage. The same flush renews the beating nodes'
/// work-pool leases.
/// </summary>
public sealed partial class NodeHeartbeats(
    INodeDirectoryStore store,
    IPoolStore pool,
    ClusterSilos silos,
    SiloKillSwitch killSwitch,
    IOptions<NodeOptions> options,
    TimeProvider time,
    NodeMetrics metrics,
    ILogger<NodeHeartbeats> logger) : BackgroundService
{
    private ConcurrentDictionary<string, byte> _beats = new(StringComparer.Ordinal);

    /// <summary>Records a heartbeat; never blocks.</summary>
    public void Beat(string nodeId) => _beats.TryAdd(nodeId, 0);

    /// <summary>Writes every heartbeat recorded since the last flush; returns how many nodes.</summary>
    public async Task<int> FlushOnceAsync(CancellationToken cancellationToken)
    {
        var beats = Interlocked.Exchange(ref _beats, new ConcurrentDictionary<string, byte>(StringComparer.Ordinal));
        if (beats.IsEmpty)
        {
            return 0;
        }

        var nodes = beats.Keys.ToArray();
        var now = time.GetUtcNow();
        await store.PresenceTouchAsync(silos.LocalSiloId, nodes, now, cancellationToken);

        // A node that beats still holds its pool claims: their leases run on.
        await pool.PoolExtendAsync(nodes, now, cancellationToken);
        metrics.HeartbeatsFlushed(beats.Count);
        return beats.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, killSwitch.Token);
        var token = linked.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.HeartbeatFlushInterval, time, token);
                await FlushOnceAsync(token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (StorageUnavailableException ex)
            {
                // The next flush carries fresh beats; nodes stay online as long as the TTL allows.
                LogFlushFailed(ex, ErrorId.New());
            }
        }
    }

    [LoggerMessage(4301, LogLevel.Warning, "Flushing node heartbeats failed (error id {ErrorId})")]
    private partial void LogFlushFailed(Exception exception, string errorId);
}
