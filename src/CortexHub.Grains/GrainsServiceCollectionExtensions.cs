using CortexHub.Grains.Cluster;
using CortexHub.Grains.Events;
using CortexHub.Grains.Limits;
using CortexHub.Grains.Nodes;
using CortexHub.Grains.Pool;
using CortexHub.Grains.Storage;
using CortexHub.Grains.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Hosting;

namespace CortexHub.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>Adds what the grains use beside Orleans: their relational stores (the backend's SQL provides the queries), the event bus and the pool's per-silo services.</summary>
    public static IServiceCollection AddCortexHubGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMetrics();
        services.AddOptions<NodeOptions>().Bind(configuration.GetSection(NodeOptions.SectionName))
            .Validate(o => o.HeartbeatTtl > TimeSpan.Zero && o.HeartbeatFlushInterval > TimeSpan.Zero && o.HeartbeatFlushInterval < o.HeartbeatTtl,
                $"{NodeOptions.SectionName}:HeartbeatFlushInterval must be positive and shorter than HeartbeatTtl.")
            .ValidateOnStart();
        services.AddValidatedOptions<JournalOptions, JournalOptionsValidator>(configuration, JournalOptions.SectionName);
        services.AddValidatedOptions<InputLimits, InputLimitsValidator>(configuration, InputLimits.SectionName);
        services.AddOptions<EventBusOptions>().Bind(configuration.GetSection(EventBusOptions.SectionName))
            .Validate(o => o.SubscriberCapacity > 0 && o.MaxMissed > 0 && o.AbandonAfter > TimeSpan.Zero && o.PruneInterval > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero,
                $"{EventBusOptions.SectionName}: capacities and intervals must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton<IEventStore, RelationalEventStore>();
        services.TryAddSingleton<EventHub>();
        services.AddHostedService(sp => sp.GetRequiredService<EventHub>());
        services.TryAddSingleton<TaskWaiter>();
        services.TryAddSingleton<TaskOutputSignals>();
        services.TryAddSingleton<TaskFollower>();
        services.TryAddSingleton<TaskDirectory>();
        services.TryAddSingleton<INodeOutboxStore, RelationalNodeOutboxStore>();
        services.TryAddSingleton<INodeDirectoryStore, RelationalNodeDirectoryStore>();
        services.TryAddSingleton<LegacyGrainState>();
        services.TryAddSingleton<ClusterSilos>();
        services.AddPlacementDirector<BesideNodePlacement, BesideNodePlacementDirector>();
        services.TryAddSingleton<NodeMetrics>();
        services.TryAddSingleton<NodeHeartbeats>();
        services.TryAddSingleton<NodeRegistry>();
        services.AddHostedService(sp => sp.GetRequiredService<NodeHeartbeats>());
        services.TryAddSingleton<ITaskEventStore, RelationalTaskEventStore>();
        services.AddValidatedOptions<PoolOptions, PoolOptionsValidator>(configuration, PoolOptions.SectionName);
        services.TryAddSingleton<IPoolStore, RelationalPoolStore>();
        services.TryAddSingleton<PoolMetrics>();
        services.TryAddSingleton<PoolOutcomes>();
        services.TryAddSingleton<PoolClaims>();
        services.TryAddSingleton<WorkPool>();
        services.TryAddSingleton<PoolDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<PoolDispatcher>());
        services.TryAddSingleton<PoolReaper>();
        services.AddHostedService<PoolReaperStarter>();
        return services;
    }
}
