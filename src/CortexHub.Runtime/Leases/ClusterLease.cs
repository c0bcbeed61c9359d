using CortexHub.Runtime.Membership;

namespace CortexHub.Runtime.Leases;

/// <summary>
/// One named lease held by this silo while it keeps renewing it. Renew more often than the
/// duration (a third is typical); a silo that stops renewing (killed, partitioned from storage)
/// loses the lease when it expires, and another silo takes it with the next term.
/// </summary>
public sealed class ClusterLease(IClusterLeaseStore store, SiloIdentity silo, TimeProvider time, string name, TimeSpan duration)
{
    private DateTimeOffset _validUntil;

    public string Name { get; } = name;

    /// <summary>The term this silo holds, or null.</summary>
    public long? Term { get; private set; }

    /// <summary>True while this silo holds the lease and its last renewal has not run out (by the local clock).</summary>
    public bool IsHeld => Term is not null && time.GetUtcNow() < _validUntil;

    /// <summary>Acquires or renews the lease; returns whether this silo holds it now.</summary>
    public async Task<bool> TryAcquireAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        try
        {
            Term = await store.LeaseAcquireAsync(Name, silo.SiloId, now, now + duration, cancellationToken);
        }
        catch
        {
            Term = null; // unknown: act as if lost, the next renewal tells
            throw;
        }

        _validUntil = now + duration;
        return Term is not null;
    }

    /// <summary>Gives the lease up (on shutdown) so another silo takes over at once.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        if (Term is not null)
        {
            Term = null;
            await store.LeaseReleaseAsync(Name, silo.SiloId, cancellationToken);
        }
    }
}
