namespace CortexHub.Hosting;

/// <summary>Which storage backend the silo uses. Bound from <c>CortexHub:Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "CortexHub:Storage";
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary><c>sqlite</c> (embedded, one silo, the default) or <c>postgres</c> (cluster).</summary>
    public string Provider { get; set; } = Sqlite;
}
