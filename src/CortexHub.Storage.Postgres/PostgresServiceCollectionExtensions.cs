using CortexHub.Runtime.Storage;
using CortexHub.Runtime.Storage.Relational;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CortexHub.Storage.Postgres;

public static class PostgresServiceCollectionExtensions
{
    /// <summary>Uses PostgreSQL cluster storage. Options bind from <c>CortexHub:Storage:Postgres</c>.</summary>
    public static IServiceCollection AddCortexHubPostgresStorage(this IServiceCollection services, IConfiguration configuration, Action<PostgresStorageOptions>? configure = null)
    {
        var options = services.AddOptions<PostgresStorageOptions>().Bind(configuration.GetSection(PostgresStorageOptions.SectionName)).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresStorageOptions>, PostgresStorageOptionsValidator>());
        services.AddRelationalStores<PostgresDatabase>();
        services.TryAddSingleton<PostgresClusterNotifier>();
        services.TryAddSingleton<IClusterNotifier>(sp => sp.GetRequiredService<PostgresClusterNotifier>());
        services.TryAddSingleton<PostgresStorageBackend>();
        services.TryAddSingleton<IStorageBackend>(sp => sp.GetRequiredService<PostgresStorageBackend>());
        return services;
    }
}
