namespace CortexHub.Storage;

/// <summary>One numbered schema migration.</summary>
public sealed record SqlMigration(int Version, string Name, string Sql);
