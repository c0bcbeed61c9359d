using CortexHub.Runtime.Hosting;
using CortexHub.Runtime.Membership;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CortexHub.Runtime;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds the CortexHub side of one silo beside Orleans: its identity, storage start-up and its row
    /// in the cluster table with heartbeats (node presence names silos by it). A storage backend must be
    /// added too (<c>AddCortexHubSqliteStorage</c> or <c>AddCortexHubPostgresStorage</c>). Options bind
    /// from <c>CortexHub:Silo</c> and are validated at start.
    /// </summary>
    public static IServiceCollection AddCortexHubRuntime(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SiloOptions, SiloOptionsValidator>(configuration, SiloOptions.SectionName);
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SiloKillSwitch>();
        services.TryAddSingleton<SiloIdentity>();
        services.TryAddSingleton<RuntimeMetrics>();
        services.TryAddSingleton<MembershipService>();
        services.TryAddSingleton<SiloLifecycle>();
        services.AddHostedService(sp => sp.GetRequiredService<SiloLifecycle>());
        return services;
    }
}
