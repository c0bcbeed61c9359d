using CortexHub.Storage;
using CortexHub.Storage.Relational;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CortexHub.Storage.Sqlite;

public static class SqliteServiceCollectionExtensions
{
    /// <summary>Uses the embedded SQLite store (one silo). Options bind from <c>CortexHub:Storage:Sqlite</c>.</summary>
    public static IServiceCollection AddCortexHubSqliteStorage(this IServiceCollection services, IConfiguration configuration, Action<SqliteStorageOptions>? configure = null)
    {
        services.AddValidatedOptions<SqliteStorageOptions, SqliteStorageOptionsValidator>(configuration, SqliteStorageOptions.SectionName, configure);
        services.AddRelationalStores<SqliteDatabase>();
        services.TryAddSingleton<SqliteStorageBackend>();
        services.TryAddSingleton<IStorageBackend>(sp => sp.GetRequiredService<SqliteStorageBackend>());
        services.TryAddSingleton<IClusterNotifier, InProcessClusterNotifier>();
        return services;
    }
}
