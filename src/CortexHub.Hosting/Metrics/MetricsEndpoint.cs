using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace CortexHub.Hosting.Metrics;

/// <summary><c>GET /metrics</c>: the silo's meters in the Prometheus text format.</summary>
/// <example>
/// <code>
/// builder.Services.AddPrometheusMetrics();
/// ...
/// app.MapPrometheusMetrics();
/// </code>
/// </example>
public static class MetricsEndpoint
{
    /// <summary>The content type of the Prometheus text format, version 0.0.4.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Registers <see cref="PrometheusExporter"/> as a singleton scoped to this container's <see cref="IMeterFactory"/>.</summary>
    public static IServiceCollection AddPrometheusMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton(sp => new PrometheusExporter(
            sp.GetRequiredService<IMeterFactory>(),
            sp.GetService<ILogger<PrometheusExporter>>()));
        return services;
    }

    /// <summary>
    /// Serves the exporter's text at <paramref name="pattern"/>. Resolves the exporter now, so it
    /// listens from startup rather than from the first scrape.
    /// </summary>
    public static IEndpointRouteBuilder MapPrometheusMetrics(this IEndpointRouteBuilder endpoints, string pattern = "/metrics")
    {
        var exporter = endpoints.ServiceProvider.GetRequiredService<PrometheusExporter>();
        endpoints.MapGet(pattern, () => TypedResults.Text(exporter.Collect(), ContentType));
        return endpoints;
    }
}
