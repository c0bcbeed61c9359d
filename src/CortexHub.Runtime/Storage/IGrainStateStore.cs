namespace CortexHub.Runtime.Storage;

/// <summary>
/// Persisted grain state with optimistic concurrency. Version 0 means "no row"; every
/// successful write returns the next version. Implementations translate their own errors
/// into <see cref="GrainVersionConflictException"/> and <see cref="StorageUnavailableException"/>.
/// </summary>
public interface IGrainStateStore
{
    /// <summary>Reads a grain's state; a grain never written (or cleared) reads as a null payload.</summary>
    Task<GrainStateRecord> GrainStateReadAsync(GrainId grain, CancellationToken cancellationToken = default);

    /// <summary>Writes a payload if storage still holds <paramref name="expectedVersion"/>; returns the new version.</summary>
    /// <exception cref="GrainVersionConflictException">Storage holds another version.</exception>
    Task<long> GrainStateWriteAsync(GrainId grain, string payload, long expectedVersion, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Clears a grain's state if storage still holds <paramref name="expectedVersion"/>. The row stays as
    /// a tombstone with a higher version so a stale activation can never resurrect old state.
    /// </summary>
    Task<long> GrainStateClearAsync(GrainId grain, long expectedVersion, DateTimeOffset now, CancellationToken cancellationToken = default);
}
