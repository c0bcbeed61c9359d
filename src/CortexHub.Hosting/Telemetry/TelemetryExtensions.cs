using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CortexHub.Hosting.Telemetry;

/// <summary>
/// Metrics and traces through OpenTelemetry: CortexHub's meters (<c>CortexHub.*</c>), Orleans'
/// (<c>Microsoft.Orleans</c>), ASP.NET Core's and the .NET runtime's, served in the Prometheus text
/// format at <c>GET /metrics</c>; traces (HTTP requests, Orleans grain calls) go to an OTLP collector
/// when <c>CortexHub:Telemetry:OtlpEndpoint</c> (or the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>)
/// names one.
/// </summary>
public static class TelemetryExtensions
{
    public const string SectionName = "CortexHub:Telemetry";

    private static readonly string[] Meters = ["CortexHub.*", "Microsoft.Orleans"];
    private static readonly string[] TraceSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static IServiceCollection AddCortexHubTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var otlp = configuration[$"{SectionName}:OtlpEndpoint"] ?? configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("cortexhub-silo", serviceVersion: typeof(TelemetryExtensions).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics => metrics
                .AddMeter(Meters)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        if (!string.IsNullOrWhiteSpace(otlp))
        {
            var endpoint = Uri.TryCreate(otlp, UriKind.Absolute, out var uri) ? uri
                : throw new Microsoft.Extensions.Options.OptionsValidationException(SectionName, typeof(Uri), [$"{SectionName}:OtlpEndpoint '{otlp}' is not an absolute URI."]);
            telemetry.WithTracing(tracing => tracing
                .AddSource(TraceSources)
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter(o => o.Endpoint = endpoint));
        }

        return services;
    }

    /// <summary>Serves the metrics at <c>GET /metrics</c> in the Prometheus text format.</summary>
    public static WebApplication MapCortexHubMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
