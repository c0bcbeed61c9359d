namespace CortexHub;

/// <summary>
/// Names a grain class's type as persisted in storage. Without it the class name is used,
/// so give every grain with persisted state a stable name that survives renames.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
