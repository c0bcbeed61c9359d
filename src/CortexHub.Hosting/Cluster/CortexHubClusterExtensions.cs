using System.Net;
using System.Net.Sockets;
using CortexHub.Grains;
using CortexHub.Storage.Postgres;
using CortexHub.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace CortexHub.Hosting.Cluster;

/// <summary>
/// The Orleans side of a silo: clustering, grain storage and reminders on the configured store
/// through Orleans' own ADO.NET providers, executing the SQL of CortexHub's migrations.
/// PostgreSQL: ADO.NET clustering over the storage's shared <see cref="Npgsql.NpgsqlDataSource"/>.
/// SQLite (embedded, one silo): localhost clustering, state and reminders in the same database file.
/// </summary>
public static class CortexHubClusterExtensions
{
    /// <summary>ADO.NET invariant that Orleans 10.4.2 maps to Npgsql.</summary>
    public const string PostgresInvariant = "Npgsql";

    /// <summary>ADO.NET invariant that Orleans 10.4.2 maps to Microsoft.Data.Sqlite.</summary>
    public const string SqliteInvariant = "System.Data.SQLite";

    public static ISiloBuilder AddCortexHubCluster(this ISiloBuilder silo, IConfiguration configuration)
    {
        var options = OrleansSiloOptions.Read(configuration);
        var validation = new OrleansSiloOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(OrleansSiloOptions.SectionName, typeof(OrleansSiloOptions), validation.Failures);
        }

        var services = silo.Services;
        var provider = StorageOptions.Read(configuration);
        services.AddCortexHubStorage(provider, configuration);
        services.TryAddSingleton<SiloKillSwitch>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CortexHub.Grains.Storage.LegacyGrainState>();
        services.TryAddSingleton<StorageStartup>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<StorageStartup>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SiloLifecycleLog>();

        if (!options.HostConfiguresEndpoints)
        {
            ConfigureEndpoints(silo, configuration, options, provider);
        }

        if (provider == StorageOptions.Sqlite)
        {
            silo.AddAdoNetGrainStorage(GrainStorage.Name, o => o.Configure<SqliteDatabase>((storage, db) =>
            {
                storage.Invariant = SqliteInvariant;
                storage.ConnectionString = db.ConnectionString;
            }));
            silo.UseAdoNetReminderService(o => o.Configure<SqliteDatabase>((reminders, db) =>
            {
                reminders.Invariant = SqliteInvariant;
                reminders.ConnectionString = db.ConnectionString;
            }));
        }
        else
        {
            silo.UseAdoNetClustering(o => o.Configure<PostgresDatabase>((clustering, db) =>
            {
                clustering.Invariant = PostgresInvariant;
                clustering.DataSource = db.DataSource;
            }));
            silo.AddAdoNetGrainStorage(GrainStorage.Name, o => o.Configure<PostgresDatabase>((storage, db) =>
            {
                storage.Invariant = PostgresInvariant;
                storage.DataSource = db.DataSource;
            }));
            silo.UseAdoNetReminderService(o => o.Configure<PostgresDatabase>((reminders, db) =>
            {
                reminders.Invariant = PostgresInvariant;
                reminders.DataSource = db.DataSource;
            }));
        }

        // Grain state in Orleans' binary format (versioned by [Id]s and [Alias]es), not the
        // provider's default JSON with .NET type names.
        services.AddOptions<AdoNetGrainStorageOptions>(GrainStorage.Name).Configure<Serializer>((storage, serializer) =>
            storage.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));

        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = options.ProbeTimeout;
            o.NumMissedProbesLimit = options.MissedProbesLimit;
            o.NumVotesForDeathDeclaration = options.VotesForDeathDeclaration;
            o.TableRefreshTimeout = options.TableRefreshTimeout;
            o.IAmAliveTablePublishTimeout = options.IAmAlivePublishTimeout;
            o.DeathVoteExpirationTimeout = options.DeathVoteExpiration;
        });
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = options.ResponseTimeout);
        if (!string.IsNullOrWhiteSpace(options.SiloName))
        {
            silo.Configure<SiloOptions>(o => o.SiloName = options.SiloName);
        }
        services.AddSingleton(new FailoverRetryFilter.Settings(options.FailoverRetryTimeout));
        silo.AddOutgoingGrainCallFilter<FailoverRetryFilter>();
        if (options.Dashboard)
        {
            silo.AddDashboard();
        }

        silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = options.MinimumReminderPeriod);
        return silo;
    }

    private static void ConfigureEndpoints(ISiloBuilder silo, IConfiguration configuration, OrleansSiloOptions options, string provider)
    {
        var siloPort = options.SiloPort != 0 ? options.SiloPort : FreeTcpPort();
        if (provider == StorageOptions.Sqlite)
        {
            // One silo: it is its own primary; nothing else needs to find it.
            silo.UseLocalhostClustering(siloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            return;
        }

        silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ServiceId));
        silo.Configure<EndpointOptions>(o =>
        {
            o.SiloPort = siloPort;
            o.GatewayPort = options.GatewayPort;
            o.AdvertisedIPAddress = AdvertisedAddress(options.AdvertisedAddress);
            o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, siloPort);
            o.GatewayListeningEndpoint = options.GatewayPort == 0 ? null : new IPEndPoint(IPAddress.Any, options.GatewayPort);
        });
    }

    /// <summary>The address other silos reach this one at: <c>CortexHub:Orleans:AdvertisedAddress</c> (an IP or a host name), else this host's first IPv4 address.</summary>
    private static IPAddress AdvertisedAddress(string? configured)
    {
        if (IPAddress.TryParse(configured, out var address))
        {
            return address;
        }

        var addresses = Dns.GetHostAddresses(string.IsNullOrEmpty(configured) ? Dns.GetHostName() : configured);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? throw new OptionsValidationException(OrleansSiloOptions.SectionName, typeof(OrleansSiloOptions),
                [$"{OrleansSiloOptions.SectionName}:AdvertisedAddress '{configured ?? Dns.GetHostName()}' has no IPv4 address; set it to this silo's IP address."]);
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
