using System.Net;
using CortexHub.Api;
using CortexHub.Gateway;
using CortexHub.Grains;
using Grpc.AspNetCore.Server;
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
        builder.Services.TryAddSingleton<StorageHealthCheck>();
        builder.Services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage");
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
        app.UsePortSeparation();
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

    /// <summary>
    /// Keeps the two ports apart: the gRPC port serves the gRPC services only (anything else gets
    /// UNIMPLEMENTED, or 415 when it is not gRPC at all), and the HTTP port never serves gRPC.
    /// Runs after routing has chosen an endpoint, before anything serves the request.
    /// </summary>
    private static void UsePortSeparation(this WebApplication app)
    {
        var ports = app.Services.GetRequiredService<SiloEndpoints>();
        app.Use((context, next) =>
        {
            var grpcMethod = context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is not null;
            if (!ports.IsGrpcPort(context.Connection.LocalPort))
            {
                if (grpcMethod)
                {
                    context.SetEndpoint(null); // as if the node link did not exist here
                }

                return next(context);
            }

            if (grpcMethod)
            {
                return next(context);
            }

            if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
            {
                // A trailers-only gRPC response: the status travels in the headers.
                context.Response.ContentType = "application/grpc";
                context.Response.Headers["grpc-status"] = "12";
                context.Response.Headers["grpc-message"] = Uri.EscapeDataString($"{context.Request.Path} is not a method of this server.");
                return Task.CompletedTask;
            }

            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return Task.CompletedTask;
        });
    }

    private static void ConfigurePorts(KestrelServerOptions kestrel, IConfiguration configuration, SiloEndpoints endpoints)
    {
        var options = configuration.GetSection(HubEndpointOptions.SectionName).Get<HubEndpointOptions>() ?? new HubEndpointOptions();
        if (!IPAddress.TryParse(options.BindAddress, out var address))
        {
            throw new OptionsValidationException(HubEndpointOptions.SectionName, typeof(HubEndpointOptions),
                [$"{HubEndpointOptions.SectionName}:BindAddress '{options.BindAddress}' is not an IP address."]);
        }

        // A node's stream may stay quiet for as long as the call lives (no minimum data rate); HTTP/2
        // pings notice a peer that is gone without waiting for its heartbeats to stop.
        kestrel.Limits.MinResponseDataRate = null;
        kestrel.Limits.Http2.KeepAlivePingDelay = options.GrpcKeepAlivePingDelay > TimeSpan.Zero ? options.GrpcKeepAlivePingDelay : TimeSpan.MaxValue;
        kestrel.Limits.Http2.KeepAlivePingTimeout = options.GrpcKeepAlivePingTimeout;
        kestrel.Listen(address, options.HttpPort, listen =>
        {
            // HTTP/2 only where ALPN can offer it (TLS); cleartext, browsers and proxies speak HTTP/1.1.
            listen.Protocols = HttpProtocols.Http1;
            if (!string.IsNullOrEmpty(options.HttpCertificatePath))
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(options.HttpCertificatePath, options.HttpCertificatePassword);
                endpoints.HttpTls = true;
            }

            // After TLS, where the bytes are HTTP: Kestrel's own refusals get a problem body too.
            listen.Use(next => listen.ApplicationServices.GetRequiredService<RefusedRequestProblems>().Wrap(next));
            endpoints.Http = listen;
        });
        kestrel.Listen(address, options.GrpcPort, listen =>
        {
            // HTTP/2 only: cleartext with prior knowledge (h2c), or TLS offering just "h2" in ALPN.
            listen.Protocols = HttpProtocols.Http2;
            if (!string.IsNullOrEmpty(options.GrpcCertificatePath))
            {
                listen.UseHttps(options.GrpcCertificatePath, options.GrpcCertificatePassword);
                endpoints.GrpcTls = true;
            }

            endpoints.Grpc = listen;
        });
    }
}
