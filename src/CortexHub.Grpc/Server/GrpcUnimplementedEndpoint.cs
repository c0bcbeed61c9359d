using Microsoft.AspNetCore.Http;

namespace CortexHub.Grpc;

/// <summary>
/// Answers gRPC requests for paths no mapped method has: UNIMPLEMENTED as a trailers-only response,
/// telling apart an unknown method of a known service from an unknown service.
/// </summary>
internal sealed class GrpcUnimplementedEndpoint(GrpcServiceRegistry registry, GrpcServerRuntime runtime)
{
    public Task HandleAsync(HttpContext httpContext)
    {
        if (!GrpcRequestChecks.TryAcceptTransport(httpContext, runtime))
        {
            return Task.CompletedTask;
        }

        var path = httpContext.Request.Path.Value ?? string.Empty;
        var service = httpContext.Request.RouteValues["service"] as string ?? string.Empty;
        var methodName = httpContext.Request.RouteValues["method"] as string ?? string.Empty;
        var detail = registry.IsKnownService(service)
            ? $"Method '{methodName}' is not implemented by service '{service}'."
            : $"Service '{service}' is not implemented.";
        GrpcServerLog.Unimplemented(runtime.Logger, path);
        GrpcServerResponses.WriteTrailersOnly(httpContext.Response, new GrpcStatus(StatusCode.Unimplemented, detail));
        return Task.CompletedTask;
    }
}
