namespace CortexHub.Grains.Tasks;

/// <summary>Which stream an output event came from (numbers are persisted).</summary>
public enum OutputStreamKind
{
    None = 0,
    Stdout = 1,
    Stderr = 2,
}
