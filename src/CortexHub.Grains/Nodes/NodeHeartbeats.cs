using System.Collections.Concurrent;
using CortexHub.Grains.Cluster;
using CortexHub.Grains.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CortexHub.Grains.Nodes;

/// <summary>
/// Heartbeats are metrics, not writes per beat: streams record them here in memory, and one
/// statement per stream silo per flush refreshes last-seen for the nodes beating here. A slow store
/// delays the flush only; no heartbeat caller ever waits on storage. The same flush renews the
/// beating nodes' work-pool leases. Beats are keyed by the silo holding the node's stream, which is
/// this one except for the moment between a node's reconnect elsewhere and its grain's migration.
/// </summary>
public sealed partial class NodeHeartbeats(
    INodeDirectoryStore store,
    IPoolStore pool,
    SiloKillSwitch killSwitch,
    IOptions<NodeOptions> options,
    TimeProvider time,
    NodeMetrics metrics,
    ILogger<NodeHeartbeats> logger) : BackgroundService
{
    /// <summary>Node id to the silo id of its stream.</summary>
    private ConcurrentDictionary<string, string> _beats = new(StringComparer.Ordinal);

    /// <summary>Records a heartbeat of a node whose stream is on <paramref name="streamSiloId"/>; never blocks.</summary>
    public void Beat(string nodeId, string streamSiloId) => _beats[nodeId] = streamSiloId;

    /// <summary>Writes every heartbeat recorded since the last flush; returns how many nodes.</summary>
    public async Task<int> FlushOnceAsync(CancellationToken cancellationToken)
    {
        var beats = Interlocked.Exchange(ref _beats, new ConcurrentDictionary<string, string>(StringComparer.Ordinal));
        if (beats.IsEmpty)
        {
            return 0;
        }

        var nodes = beats.Keys.ToArray();
        var now = time.GetUtcNow();
        foreach (var silo in beats.GroupBy(beat => beat.Value, beat => beat.Key, StringComparer.Ordinal))
        {
            await store.PresenceTouchAsync(silo.Key, silo.ToArray(), now, cancellationToken);
        }

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
