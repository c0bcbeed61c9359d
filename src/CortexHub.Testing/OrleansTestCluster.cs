using CortexHub.Grains;
using CortexHub.Hosting.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace CortexHub.Testing;

/// <summary>
/// Orleans' own <see cref="Orleans.TestingHost.TestCluster"/> with CortexHub's silo configuration
/// (<see cref="CortexHubClusterExtensions.AddCortexHubCluster"/>) and grains on a test's store: real TCP between
/// silos; on PostgreSQL, ADO.NET membership through CortexHub's schema (not the TestingHost's
/// in-memory table, so membership is exercised too); on SQLite, one silo.
/// </summary>
public static class OrleansTestCluster
{
    /// <param name="settings">More configuration for every silo (e.g. <c>CortexHub:Orleans:ResponseTimeout</c>).</param>
    public static async Task<Orleans.TestingHost.TestCluster> StartAsync(TestStorage storage, short silos = 1, IReadOnlyDictionary<string, string>? settings = null)
    {
        var builder = new TestClusterBuilder(silos);
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.Options.UseTestClusterMembership = storage.Kind == StorageKind.Sqlite;
        foreach (var (key, value) in storage.Configuration())
        {
            builder.Properties[key] = value;
        }

        builder.Properties[$"{OrleansSiloOptions.SectionName}:{nameof(OrleansSiloOptions.HostConfiguresEndpoints)}"] = "true";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.Properties[key] = value;
        }
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>The services of one in-process silo of the cluster (to call grains from inside that silo).</summary>
    public static IServiceProvider Services(this SiloHandle silo) => ((InProcessSiloHandle)silo).SiloHost.Services;

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddCortexHubCluster(siloBuilder.Configuration);
            siloBuilder.Services.AddCortexHubGrains(siloBuilder.Configuration);
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
        {
            if (configuration["CortexHub:Storage:Provider"] != "postgres")
            {
                return; // the TestingHost's own membership tells the client where the silo is
            }

            var connection = new NpgsqlConnectionStringBuilder(configuration["CortexHub:Storage:Postgres:ConnectionString"])
            {
                SearchPath = configuration["CortexHub:Storage:Postgres:Schema"],
            };
            clientBuilder.UseAdoNetClustering(o =>
            {
                o.Invariant = CortexHubClusterExtensions.PostgresInvariant;
                o.ConnectionString = connection.ConnectionString;
            });
        }
    }
}
