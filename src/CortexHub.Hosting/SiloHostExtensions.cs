using System.Net;
using CortexHub.Api;
using CortexHub.Gateway;
using CortexHub.Grains;
using CortexHub.Grpc;
using CortexHub.Hosting.Cluster;
using CortexHub.Hosting.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace CortexHub.Hosting;

public static class SiloHostExtensions
{
    /// <summary>
    /// Composes the silo: the configured storage backend, the Orleans silo (clustering, grain state and
    /// reminders on that storage, the Orleans dashboard), the hub's grains, the gRPC gateway,
    /// telemetry, and Kestrel with separate HTTP and gRPC ports.
    /// </summary>
    public static WebApplicationBuilder AddCortexHubSilo(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;

        // Storage opens and migrates first: the Orleans providers read their SQL from it at start.
        builder.Services.TryAddSingleton<StorageStartup>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StorageStartup>());
        builder.UseOrleans(silo => silo.AddCortexHubCluster(configuration));

        // Orleans reports every start step at Information, and every placement retry through Polly
        // at Warning with its stack trace (megabytes a second while a dead silo awaits its death
        // declaration); what fails for good is still logged by Orleans itself.
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Error);
        builder.Services.AddCortexHubGrains(configuration);
        builder.Services.AddCortexHubGateway(configuration);
        builder.Services.AddCortexHubApi(configuration);
        builder.Services.AddCortexHubTelemetry(configuration);
        builder.Services.AddOptions<HostOptions>().Configure(host =>
            host.ShutdownTimeout = OrleansSiloOptions.Read(configuration).ShutdownTimeout + TimeSpan.FromSeconds(5));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });

        var endpoints = new SiloEndpoints();
        builder.Services.AddSingleton(endpoints);
        builder.Services.AddSingleton<IHubAddresses>(endpoints);
        builder.WebHost.ConfigureKestrel(kestrel => ConfigurePorts(kestrel, configuration, endpoints));
        return builder;
    }

    /// <summary>Maps the silo's endpoints: health, metrics, the Orleans dashboard (admins only) and the API on HTTP, the node link on gRPC.</summary>
    public static WebApplication MapCortexHub(this WebApplication app)
    {
        // A killed silo (crash emulation in tests) drops its open requests at once, as a dead process's sockets would.
        var killSwitch = app.Services.GetRequiredService<SiloKillSwitch>();
        app.Use(async (context, next) =>
        {
            using var abort = killSwitch.Token.Register(static state => ((HttpContext)state!).Abort(), context);
            await next(context);
        });
        app.UseExceptionHandler();
        app.UseCortexHubApi();
        app.MapHealthApi();
        app.MapCortexHubMetrics();
        if (OrleansSiloOptions.Read(app.Configuration).Dashboard)
        {
            app.UseAdminKeyFor(OrleansSiloOptions.DashboardPath, "CortexHub: Orleans dashboard");
            app.MapOrleansDashboard(OrleansSiloOptions.DashboardPath);
        }

        app.MapCortexHubApi();
        app.MapCortexHubGateway();
        return app;
    }

    private static void ConfigurePorts(KestrelServerOptions kestrel, IConfiguration configuration, SiloEndpoints endpoints)
    {
        var options = configuration.GetSection(HubEndpointOptions.SectionName).Get<HubEndpointOptions>() ?? new HubEndpointOptions();
        if (!IPAddress.TryParse(options.BindAddress, out var address))
        {
            throw new OptionsValidationException(HubEndpointOptions.SectionName, typeof(HubEndpointOptions),
                [$"{HubEndpointOptions.SectionName}:BindAddress '{options.BindAddress}' is not an IP address."]);
        }

        var grpc = new GrpcListenOptions
        {
            CertificatePath = options.GrpcCertificatePath,
            CertificatePassword = options.GrpcCertificatePassword,
            KeepAlivePingDelay = options.GrpcKeepAlivePingDelay,
        };
        kestrel.UseGrpcLimits(grpc);
        kestrel.Listen(address, options.HttpPort, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            if (!string.IsNullOrEmpty(options.HttpCertificatePath))
            {
                listen.UseHttps(options.HttpCertificatePath, options.HttpCertificatePassword);
                endpoints.HttpTls = true;
            }

            endpoints.Http = listen;
        });
        kestrel.Listen(address, options.GrpcPort, listen =>
        {
            listen.UseGrpc(grpc);
            endpoints.GrpcTls = grpc.UsesTls;
            endpoints.Grpc = listen;
        });
    }
}
