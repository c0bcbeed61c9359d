using CortexHub.Api.Mcp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CortexHub.Api;

public static class ApiServiceCollectionExtensions
{
    private static readonly System.Text.Encoding LenientUtf8 = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static IServiceCollection AddCortexHubApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.SectionName))
            .Validate(o => o.AdminKey is null || Grains.Users.ApiKeys.TryParse(o.AdminKey, out var user, out _, out _) && user == AdminBootstrap.AdminUserId,
                $"{ApiOptions.SectionName}:AdminKey must have the form chk.admin.<key id>.<secret>.")
            .Validate(o => o.PublicUrl is null || o.PublicUrl.IsAbsoluteUri && (o.PublicUrl.Scheme == Uri.UriSchemeHttp || o.PublicUrl.Scheme == Uri.UriSchemeHttps),
                $"{ApiOptions.SectionName}:PublicUrl must be an absolute http:// or https:// URL.")
            .Validate(o => o.AttachSendTimeout > TimeSpan.Zero, $"{ApiOptions.SectionName}:AttachSendTimeout must be positive.")
            .ValidateOnStart();
        services.AddSingleton<ProvisioningScript>();
        services.AddSingleton<AgentArchive>();
        services.AddSingleton<ApiAuthentication>();
        services.AddSingleton<RefusedRequestProblems>();
        // Kestrel turns away a header that is not UTF-8 with an empty 400 before the app runs; an
        // Authorization header is read leniently instead (bad bytes become U+FFFD), so it reaches the
        // authentication and gets its 401 problem with an error id.
        services.Configure<KestrelServerOptions>(o => o.RequestHeaderEncodingSelector = name =>
            string.Equals(name, Microsoft.Net.Http.Headers.HeaderNames.Authorization, StringComparison.OrdinalIgnoreCase) ? LenientUtf8 : null);
        // Every problem written by the framework too (routing's 404/405/415, /readyz) carries an error id.
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context => context.ProblemDetails.Extensions.TryAdd("errorId", ErrorId.New()));
        // A body or query value that does not bind throws, so ApiExceptionHandler answers it with a
        // problem and an error id; by default only Development throws, elsewhere the answer is an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddOpenApi("v1");
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddHostedService<AdminBootstrap>();
        services.AddCortexHubMcp(configuration);
        return services;
    }

    /// <summary>
    /// The middleware for requests under /api, before the endpoints: what routing turns away
    /// (unknown path, wrong method, wrong content type) answers a problem rather than a bare
    /// status, and every /api/v1 and /mcp request is authenticated (401 answered here), so nothing of
    /// an unauthenticated request is read or bound; except a session attach WebSocket without the
    /// header, which authenticates by its first frame.
    /// </summary>
    public static IApplicationBuilder UseCortexHubApi(this IApplicationBuilder app)
    {
        var authentication = app.ApplicationServices.GetRequiredService<ApiAuthentication>();
        // Session attach; pings keep proxies and NATs from closing a quiet terminal.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        return app.UseWhen(context => context.Request.Path.StartsWithSegments("/api"), api => api
            .UseStatusCodePages()
            .UseWhen(context => context.Request.Path.StartsWithSegments("/api/v1"), v1 => v1.Use(next => context => authentication.InvokeAsync(context, next))))
            .UseCortexHubMcp(authentication);
    }

    /// <summary>
    /// Lets only admins reach the paths under <paramref name="prefix"/> (pages a browser opens, such
    /// as the Orleans dashboard): an admin API key as a bearer token, or as the password of HTTP
    /// Basic, for which a browser prompts. Everyone else gets 401 with a problem body.
    /// </summary>
    public static IApplicationBuilder UseAdminKeyFor(this IApplicationBuilder app, PathString prefix, string realm)
    {
        var authentication = app.ApplicationServices.GetRequiredService<ApiAuthentication>();
        return app.UseWhen(context => context.Request.Path.StartsWithSegments(prefix),
            admin => admin.Use(next => context => authentication.InvokeAdminOnlyAsync(context, next, realm)));
    }

    /// <summary>Maps /api/v1 (authenticated by <see cref="UseCortexHubApi"/>); needs <c>app.UseExceptionHandler()</c> for the problem responses.</summary>
    public static RouteGroupBuilder MapCortexHubApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi("/openapi/{documentName}.json");
        AgentArchive.Map(endpoints);
        DashboardApi.Map(endpoints);
        var api = endpoints.MapGroup("/api/v1");
        UsersApi.Map(api);
        NodesApi.Map(api);
        TasksApi.Map(api);
        TaskInputApi.Map(api);
        SessionsApi.Map(api);
        PoolApi.Map(api);
        StreamsApi.Map(api);
        McpEndpoint.Map(endpoints);
        return api;
    }
}
