using CortexHub.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CortexHub.Hosting;

/// <summary>
/// Ready when storage answers a round trip within 5 seconds. Behind <c>/readyz</c> on the HTTP port
/// and the standard gRPC health service (<c>grpc.health.v1</c>) on the gRPC port.
/// </summary>
public sealed class StorageHealthCheck(IStorageBackend storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await storage.PingAsync(timeout.Token);
            return HealthCheckResult.Healthy("storage answers");
        }
        catch (Exception ex) when (ex is StorageUnavailableException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy(ex.Message, ex);
        }
    }
}
