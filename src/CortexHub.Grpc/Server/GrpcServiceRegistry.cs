using Microsoft.AspNetCore.Routing;

namespace CortexHub.Grpc;

/// <summary>
/// The services mapped in this application, and the route builders that already carry the
/// UNIMPLEMENTED catch-all (it must be mapped once per builder, or routing finds it ambiguous).
/// </summary>
internal sealed class GrpcServiceRegistry
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _services = new(StringComparer.Ordinal);
    private readonly HashSet<IEndpointRouteBuilder> _buildersWithCatchAll = new(ReferenceEqualityComparer.Instance);

    public void Register(GrpcServiceDefinition service)
    {
        lock (_lock)
        {
            if (!_services.Add(service.ServiceName))
            {
                throw new InvalidOperationException($"Service '{service.ServiceName}' is already mapped.");
            }
        }
    }

    public bool IsKnownService(string serviceName)
    {
        lock (_lock)
        {
            return _services.Contains(serviceName);
        }
    }

    public bool TryClaimCatchAll(IEndpointRouteBuilder endpoints)
    {
        lock (_lock)
        {
            return _buildersWithCatchAll.Add(endpoints);
        }
    }
}
