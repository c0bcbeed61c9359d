using CortexHub.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Http.HttpResults;

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

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ReadyAsync(IStorageBackend storage, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await storage.PingAsync(timeout.Token);
            return TypedResults.Text("ready");
        }
        catch (Exception ex) when (ex is StorageUnavailableException or OperationCanceledException)
        {
            return TypedResults.Problem(title: "Storage unavailable", detail: ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
