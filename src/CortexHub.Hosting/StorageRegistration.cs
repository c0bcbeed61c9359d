using CortexHub.Storage.Postgres;
using CortexHub.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CortexHub.Hosting;

internal static class StorageRegistration
{
    /// <summary>Adds the backend named by <c>CortexHub:Storage:Provider</c> (see <see cref="StorageOptions.Read"/>).</summary>
    public static IServiceCollection AddCortexHubStorage(this IServiceCollection services, string provider, IConfiguration configuration) => provider switch
    {
        StorageOptions.Sqlite => services.AddCortexHubSqliteStorage(configuration),
        StorageOptions.Postgres => services.AddCortexHubPostgresStorage(configuration),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };
}
