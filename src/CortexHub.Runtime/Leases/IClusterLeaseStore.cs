namespace CortexHub.Runtime.Leases;

/// <summary>
/// Named cluster-wide leases in storage, for work that must run on one silo at a time (the
/// database is the arbiter; there is no election protocol).
/// </summary>
public interface IClusterLeaseStore
{
    /// <summary>Takes the lease when it is free or expired, or renews it for its holder; returns the term held, or null.</summary>
    Task<long?> LeaseAcquireAsync(string name, string holder, DateTimeOffset now, DateTimeOffset expires, CancellationToken cancellationToken = default);

    Task LeaseReleaseAsync(string name, string holder, CancellationToken cancellationToken = default);

    /// <summary>Releases every lease of the given holders (silos declared dead).</summary>
    Task<int> LeaseReleaseHoldersAsync(IReadOnlyCollection<string> holders, CancellationToken cancellationToken = default);
}
