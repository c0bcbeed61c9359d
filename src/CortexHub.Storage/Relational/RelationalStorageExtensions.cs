using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CortexHub.Storage.Relational;

public static class RelationalStorageExtensions
{
    /// <summary>Registers the shared relational stores over the backend's <typeparamref name="TDatabase"/>.</summary>
    public static IServiceCollection AddRelationalStores<TDatabase>(this IServiceCollection services) where TDatabase : RelationalDatabase
    {
        services.TryAddSingleton<TDatabase>();
        services.TryAddSingleton<RelationalDatabase>(sp => sp.GetRequiredService<TDatabase>());
        return services;
    }
}
