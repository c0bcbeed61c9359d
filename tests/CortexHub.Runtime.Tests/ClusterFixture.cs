using CortexHub.Runtime.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace CortexHub.Runtime.Tests;

/// <summary>Builds a test's own cluster with the test grains and shared probes.</summary>
public static class ClusterFixture
{
    public static async Task<TestCluster> StartAsync(
        StorageKind kind,
        int silos = 1,
        GrainProbe? probe = null,
        ReminderProbe? reminders = null,
        Action<TestClusterOptions>? configure = null)
    {
        var storage = await TestStorage.CreateAsync(kind);
        var options = new TestClusterOptions
        {
            InitialSilos = silos,
            Storage = storage,
            ConfigureServices = services =>
            {
                services.AddSingleton(probe ?? new GrainProbe());
                services.AddSingleton(reminders ?? new ReminderProbe());
                services.AddGrain<CounterGrain>();
                services.AddGrain<SequenceGrain>();
                services.AddGrain<ReminderGrain>();
            },
        };
        configure?.Invoke(options);
        return await TestCluster.StartAsync(options);
    }
}
