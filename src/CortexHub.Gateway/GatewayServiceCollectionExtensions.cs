using CortexHub.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CortexHub.Gateway;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>Adds the node gateway. Options bind from <c>CortexHub:Gateway</c> and <c>CortexHub:Grpc</c> (message size limits).</summary>
    public static IServiceCollection AddCortexHubGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<GatewayOptions, GatewayOptionsValidator>(configuration, GatewayOptions.SectionName);
        services.AddGrpcServer(o => configuration.GetSection("CortexHub:Grpc").Bind(o));
        services.TryAddSingleton<NodeSessionRegistry>();
        services.TryAddSingleton<NodeLinkService>();
        services.AddHostedService<GatewayDrain>();
        return services;
    }

    /// <summary>Maps cortexhub.v1.NodeLink (plus UNIMPLEMENTED for any other gRPC method).</summary>
    public static IEndpointConventionBuilder MapCortexHubGateway(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGrpcService(endpoints.ServiceProvider.GetRequiredService<NodeLinkService>().Definition());
}
