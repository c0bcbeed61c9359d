using Orleans;

namespace CortexHub.Grains.Pool;

/// <summary>
/// The pool's reaper: one activation in the cluster (key <see cref="PoolReaperGrain.Key"/>) sweeping
/// lapsed claims on a timer. A reminder brings it back on another silo when its silo dies.
/// </summary>
[Alias("cortexhub.IPoolReaperGrain")]
public interface IPoolReaperGrain : IGrainWithStringKey
{
    /// <summary>Registers the keep-alive reminder (idempotent); every silo calls it at start.</summary>
    [Alias("Start")]
    Task StartAsync();

    /// <summary>Where the reaper runs and how many sweeps that silo has done.</summary>
    [Alias("GetStatus")]
    Task<PoolReaperStatus> GetStatusAsync();
}
