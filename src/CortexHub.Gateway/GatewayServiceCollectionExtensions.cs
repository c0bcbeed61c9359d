using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CortexHub.Gateway;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>The gRPC health service's name for the node link (grpc.health.v1 also answers "" for the whole server).</summary>
    public const string NodeLinkServiceName = "cortexhub.v1.NodeLink";

    /// <summary>
    /// Adds the node gateway on Grpc.AspNetCore: the node link, the standard health service and server
    /// reflection. Options bind from <c>CortexHub:Gateway</c> and <c>CortexHub:Grpc</c> (message size limits).
    /// </summary>
    public static IServiceCollection AddCortexHubGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<GatewayOptions, GatewayOptionsValidator>(configuration, GatewayOptions.SectionName);
        services.AddValidatedOptions<GrpcServerSettings, GrpcServerSettingsValidator>(configuration, GrpcServerSettings.SectionName);
        services.AddGrpc(o => o.Interceptors.Add<ErrorIdInterceptor>());
        services.AddOptions<GrpcServiceOptions>().Configure<IOptions<GrpcServerSettings>>((grpc, settings) =>
        {
            grpc.MaxReceiveMessageSize = settings.Value.MaxReceiveMessageSize;
            grpc.MaxSendMessageSize = settings.Value.MaxSendMessageSize;
        });
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks(o => o.Services.Map(NodeLinkServiceName, _ => true));
        services.TryAddSingleton<NodeSessionRegistry>();
        services.TryAddSingleton<NodeLinkService>();
        services.AddHostedService<GatewayDrain>();
        return services;
    }

    /// <summary>
    /// Maps cortexhub.v1.NodeLink, grpc.health.v1.Health and server reflection (any other gRPC method
    /// answers UNIMPLEMENTED). Returns the builders so the host can keep them to the gRPC port.
    /// </summary>
    public static IReadOnlyList<IEndpointConventionBuilder> MapCortexHubGateway(this IEndpointRouteBuilder endpoints) =>
    [
        endpoints.MapGrpcService<NodeLinkService>(),
        endpoints.MapGrpcHealthChecksService(),
        endpoints.MapGrpcReflectionService(),
    ];
}
