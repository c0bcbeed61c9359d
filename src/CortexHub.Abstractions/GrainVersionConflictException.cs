namespace CortexHub;

/// <summary>
/// A grain wrote its state naming a version that is no longer current: another activation
/// (usually on another silo) wrote first. The runtime reacts by dropping the stale activation,
/// reloading and retrying the call; callers see this only when the retries ran out.
/// </summary>
public sealed class GrainVersionConflictException(string grainType, string grainKey, long expectedVersion, long actualVersion)
    : Exception($"Version conflict on grain {grainType}/{grainKey}: the write expected version {expectedVersion} but storage holds version {actualVersion}.")
{
    public string GrainType { get; } = grainType;

    public string GrainKey { get; } = grainKey;

    public long ExpectedVersion { get; } = expectedVersion;

    public long ActualVersion { get; } = actualVersion;
}
