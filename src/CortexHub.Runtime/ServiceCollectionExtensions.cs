using CortexHub.Runtime.Activation;
using CortexHub.Runtime.Hosting;
using CortexHub.Runtime.Membership;
using CortexHub.Runtime.Reminders;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CortexHub.Runtime;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds the grain runtime of one silo. A storage backend must be added too
    /// (<c>AddCortexHubSqliteStorage</c> or <c>AddCortexHubPostgresStorage</c>), and grains with <see cref="AddGrain{TGrain}"/>.
    /// Options bind from <c>CortexHub:Silo</c>, <c>CortexHub:Grains</c> and <c>CortexHub:Reminders</c> and are validated at start.
    /// </summary>
    public static IServiceCollection AddCortexHubRuntime(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SiloOptions, SiloOptionsValidator>(configuration, SiloOptions.SectionName);
        services.AddValidatedOptions<GrainRuntimeOptions, GrainRuntimeOptionsValidator>(configuration, GrainRuntimeOptions.SectionName);
        services.AddValidatedOptions<ReminderOptions, ReminderOptionsValidator>(configuration, ReminderOptions.SectionName);

        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SiloKillSwitch>();
        services.TryAddSingleton<SiloIdentity>();
        services.TryAddSingleton<RuntimeMetrics>();
        services.TryAddSingleton<GrainTypeRegistry>();
        services.TryAddSingleton<GrainRuntime>();
        services.TryAddSingleton(sp => sp.GetRequiredService<GrainRuntime>().GrainFactory);
        services.TryAddSingleton<ReminderRegistry>();
        services.TryAddSingleton<ReminderService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISiloDeathHandler, ReminderService>(sp => sp.GetRequiredService<ReminderService>()));
        services.TryAddSingleton<MembershipService>();
        services.TryAddSingleton<ActivationCollector>();
        services.TryAddSingleton<SiloLifecycle>();
        services.AddHostedService(sp => sp.GetRequiredService<SiloLifecycle>());
        return services;
    }

    /// <summary>Registers a grain class for every grain interface it implements.</summary>
    public static IServiceCollection AddGrain<TGrain>(this IServiceCollection services) where TGrain : Grain
    {
        services.AddSingleton(new GrainRegistration(typeof(TGrain)));
        return services;
    }
}
