using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CortexHub.Hosting;

/// <summary><c>/healthz</c>: the process is alive. <c>/readyz</c>: storage answers a round trip.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => TypedResults.Text("ok"));
        endpoints.MapGet("/readyz", ReadyAsync);
        return endpoints;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ReadyAsync(StorageHealthCheck storage, CancellationToken cancellationToken)
    {
        var result = await storage.CheckHealthAsync(new HealthCheckContext(), cancellationToken);
        return result.Status == HealthStatus.Healthy
            ? TypedResults.Text("ready")
            : TypedResults.Problem(title: "Storage unavailable", detail: result.Description, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
