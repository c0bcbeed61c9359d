using CortexHub.Runtime.Membership;

namespace CortexHub.Runtime.Leases;

/// <summary>Frees the cluster leases of silos declared dead, so their singleton work moves at once rather than after expiry.</summary>
internal sealed class ClusterLeaseReleaser(IClusterLeaseStore store) : ISiloDeathHandler
{
    public Task OnSilosDeadAsync(IReadOnlyList<string> siloIds, CancellationToken cancellationToken) =>
        store.LeaseReleaseHoldersAsync(siloIds, cancellationToken);
}
