using Orleans.Runtime;

namespace CortexHub.Grains.Cluster;

/// <summary>
/// Names silos by their Orleans address (<c>ip:port@generation</c>, new for every process) and
/// answers from Orleans' membership view whether a silo is an active member: a node shown online
/// by a silo that died is offline.
/// </summary>
public sealed class ClusterSilos(ILocalSiloDetails local, IClusterMembershipService membership)
{
    /// <summary>This silo's id, as node presence records it.</summary>
    public string LocalSiloId { get; } = local.SiloAddress.ToParsableString();

    /// <summary>True when <paramref name="siloId"/> names a silo that Orleans' membership holds active.</summary>
    public bool IsActive(string? siloId) => TryParse(siloId) is { } address && membership.CurrentSnapshot.GetSiloStatus(address) == SiloStatus.Active;

    /// <summary>The Orleans address of a silo id, or null when it is not one.</summary>
    public static SiloAddress? TryParse(string? siloId)
    {
        if (string.IsNullOrEmpty(siloId))
        {
            return null;
        }

        try
        {
            return SiloAddress.FromParsableString(siloId);
        }
        catch (FormatException)
        {
            return null; // written by an earlier CortexHub, whose silo ids were names
        }
    }
}
