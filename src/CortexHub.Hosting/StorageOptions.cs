using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CortexHub.Hosting;

/// <summary>Which storage backend the silo uses. Bound from <c>CortexHub:Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "CortexHub:Storage";
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary><c>sqlite</c> (embedded, one silo, the default) or <c>postgres</c> (cluster).</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>The configured provider, lower-cased; an unknown name is a configuration error naming the key.</summary>
    public static string Read(IConfiguration configuration)
    {
        var provider = (configuration.GetSection(SectionName).Get<StorageOptions>()?.Provider ?? Sqlite).ToLowerInvariant();
        return provider is Sqlite or Postgres
            ? provider
            : throw new OptionsValidationException(SectionName, typeof(StorageOptions),
                [$"{SectionName}:Provider '{provider}' is not known; use '{Sqlite}' or '{Postgres}'."]);
    }
}
