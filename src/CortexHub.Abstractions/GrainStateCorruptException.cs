namespace CortexHub;

/// <summary>A grain's stored state could not be read back into its state type.</summary>
public sealed class GrainStateCorruptException(string grainType, string grainKey, string detail, Exception? inner = null)
    : Exception($"Stored state of grain {grainType}/{grainKey} is corrupt: {detail}", inner)
{
    public string GrainType { get; } = grainType;

    public string GrainKey { get; } = grainKey;
}
