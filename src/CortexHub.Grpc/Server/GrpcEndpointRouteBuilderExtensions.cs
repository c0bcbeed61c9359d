using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CortexHub.Grpc;

/// <summary>Maps gRPC services onto ASP.NET Core endpoint routing.</summary>
public static class GrpcEndpointRouteBuilderExtensions
{
    /// <summary>Pattern of the catch-all that answers unknown services and methods.</summary>
    private const string CatchAllPattern = "/{service}/{method}";

    /// <summary>
    /// Maps each method of <paramref name="service"/> to <c>POST /{service}/{method}</c>, and (once per
    /// route builder) a catch-all answering other gRPC requests with UNIMPLEMENTED.
    /// Requires <see cref="GrpcServiceCollectionExtensions.AddGrpcServer"/>.
    /// </summary>
    /// <returns>A builder applying conventions to all of the service's method endpoints.</returns>
    public static IEndpointConventionBuilder MapGrpcService(this IEndpointRouteBuilder endpoints, GrpcServiceDefinition service)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(service);
        var runtime = endpoints.ServiceProvider.GetService<GrpcServerRuntime>()
            ?? throw new InvalidOperationException("gRPC server services are not registered: call services.AddGrpcServer() first.");
        var registry = endpoints.ServiceProvider.GetRequiredService<GrpcServiceRegistry>();
        if (service.Methods.Count == 0)
        {
            throw new ArgumentException($"Service '{service.ServiceName}' has no methods.", nameof(service));
        }

        registry.Register(service);
        var builders = new List<IEndpointConventionBuilder>(service.Methods.Count);
        foreach (var method in service.Methods)
        {
            var endpoint = new GrpcServerEndpoint(method, runtime);
            var builder = endpoints.MapPost(method.Path, (RequestDelegate)endpoint.HandleAsync)
                .WithDisplayName("gRPC " + method.Path)
                .WithMetadata(method);
            builders.Add(builder);
        }

        if (registry.TryClaimCatchAll(endpoints))
        {
            var unimplemented = new GrpcUnimplementedEndpoint(registry, runtime);
            endpoints.MapPost(CatchAllPattern, (RequestDelegate)unimplemented.HandleAsync)
                .WithDisplayName("gRPC unimplemented")
                .WithMetadata(GrpcAcceptsMetadata.Instance)
                .Add(static builder =>
                {
                    // Last resort: any other endpoint matching the same path wins.
                    if (builder is RouteEndpointBuilder routeBuilder)
                    {
                        routeBuilder.Order = int.MaxValue;
                    }
                });
        }

        return new GrpcServiceConventionBuilder(builders);
    }
}
