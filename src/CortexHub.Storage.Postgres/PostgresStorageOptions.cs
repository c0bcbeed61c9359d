namespace CortexHub.Storage.Postgres;

/// <summary>Cluster storage settings. Bound from <c>CortexHub:Storage:Postgres</c>.</summary>
public sealed class PostgresStorageOptions
{
    public const string SectionName = "CortexHub:Storage:Postgres";
    public const string DefaultSchema = "cortexhub";
    public const int DefaultMaxPoolSize = 50;

    /// <summary>Npgsql connection string (required). Keep the password in an environment variable or secret, not in appsettings.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Schema holding every CortexHub table; created on start. Lower-case letters, digits and underscores. Default <c>cortexhub</c>.</summary>
    public string Schema { get; set; } = DefaultSchema;

    /// <summary>Largest number of pooled connections per silo. Default 50.</summary>
    public int MaxPoolSize { get; set; } = DefaultMaxPoolSize;
}
