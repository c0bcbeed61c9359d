using Orleans;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace CortexHub.Grains.Cluster;

/// <summary>
/// Places a task grain on the silo that holds its node's stream, so the hot path of a running task
/// (the stream, the node grain, the task grain) stays in one process. The caller names that silo in
/// the request context (<see cref="Hint"/>): the API when it dispatches, the node's stream when it
/// writes the journal. Without a hint (or when the named silo is gone) the calling silo is chosen,
/// as <see cref="PreferLocalPlacement"/> does.
/// </summary>
[GenerateSerializer, Immutable, Alias("cortexhub.BesideNodePlacement")]
public sealed class BesideNodePlacement : PlacementStrategy
{
    /// <summary>Request-context key holding the silo id (see <see cref="ClusterSilos"/>) of the node's stream.</summary>
    public const string HintKey = "cortexhub.node-silo";

    internal static readonly BesideNodePlacement Instance = new();

    /// <summary>Names, for grain calls made from here on in this async flow, the silo holding the node's stream.</summary>
    public static void Hint(string? siloId)
    {
        if (!string.IsNullOrEmpty(siloId))
        {
            RequestContext.Set(HintKey, siloId);
        }
    }

    /// <summary>The silo named by the current request's hint, if any.</summary>
    public static string? CurrentHint() => RequestContext.Get(HintKey) as string;
}

/// <summary>Places the grain on the silo holding its node's stream (see <see cref="BesideNodePlacement"/>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class BesideNodePlacementAttribute() : PlacementAttribute(BesideNodePlacement.Instance);

internal sealed class BesideNodePlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target);
        if (target.RequestContextData is { } data && data.TryGetValue(BesideNodePlacement.HintKey, out var hint)
            && ClusterSilos.TryParse(hint as string) is { } nodeSilo && compatible.Contains(nodeSilo))
        {
            return Task.FromResult(nodeSilo);
        }

        return Task.FromResult(compatible.Contains(context.LocalSilo) ? context.LocalSilo : compatible[Random.Shared.Next(compatible.Length)]);
    }
}
