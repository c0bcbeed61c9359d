using CortexHub.Storage;
using CortexHub.Storage.Relational;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CortexHub.Storage.Postgres;

public static class PostgresServiceCollectionExtensions
{
    /// <summary>Uses PostgreSQL cluster storage. Options bind from <c>CortexHub:Storage:Postgres</c>.</summary>
    public static IServiceCollection AddCortexHubPostgresStorage(this IServiceCollection services, IConfiguration configuration, Action<PostgresStorageOptions>? configure = null)
    {
        services.AddValidatedOptions<PostgresStorageOptions, PostgresStorageOptionsValidator>(configuration, PostgresStorageOptions.SectionName, configure);
        services.AddRelationalStores<PostgresDatabase>();
        services.TryAddSingleton<PostgresClusterNotifier>();
        services.TryAddSingleton<IClusterNotifier>(sp => sp.GetRequiredService<PostgresClusterNotifier>());
        services.TryAddSingleton<PostgresStorageBackend>();
        services.TryAddSingleton<IStorageBackend>(sp => sp.GetRequiredService<PostgresStorageBackend>());
        return services;
    }
}
