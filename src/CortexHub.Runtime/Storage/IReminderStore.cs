namespace CortexHub.Runtime.Storage;

/// <summary>
/// Durable reminders. A due reminder is claimed by one silo at a time as a lease
/// (holder, due time, expiry); completing names that exact term so a silo whose lease
/// lapsed cannot overwrite the schedule another silo already advanced.
/// </summary>
public interface IReminderStore
{
    Task ReminderUpsertAsync(ReminderDefinition reminder, CancellationToken cancellationToken = default);

    Task<bool> ReminderDeleteAsync(GrainId grain, string name, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ReminderDefinition>> ReminderListAsync(GrainId grain, CancellationToken cancellationToken = default);

    /// <summary>Leases up to <see cref="ReminderClaimParams.Limit"/> due reminders no live lease holds.</summary>
    Task<IReadOnlyList<ReminderLease>> ReminderClaimDueAsync(ReminderClaimParams claim, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends a lease: moves the reminder to <paramref name="nextDueAt"/> (or deletes a one-shot when null)
    /// only if the lease's term is still the current one. Returns false when the term was lost.
    /// </summary>
    Task<bool> ReminderCompleteAsync(ReminderLease lease, DateTimeOffset? nextDueAt, CancellationToken cancellationToken = default);

    /// <summary>Releases every lease held by the given silos (they were declared dead or left).</summary>
    Task<int> ReminderReleaseLeasesAsync(IReadOnlyCollection<string> siloIds, CancellationToken cancellationToken = default);
}
