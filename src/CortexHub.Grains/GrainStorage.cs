namespace CortexHub.Grains;

/// <summary>The Orleans grain storage provider every CortexHub grain persists through.</summary>
public static class GrainStorage
{
    /// <summary>Name of the ADO.NET grain storage registered by the silo (PostgreSQL or SQLite).</summary>
    public const string Name = "cortexhub";
}
