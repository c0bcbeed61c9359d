using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Protocol;

namespace CortexHub.Api.Mcp;

/// <summary>
/// The MCP server at <see cref="Path"/> on the HTTP port (Streamable HTTP): the tools, the task-log
/// resources and their subscriptions, authenticated by API keys exactly as /api/v1 is.
/// </summary>
internal static class McpEndpoint
{
    public static readonly PathString Path = "/mcp";

    private const string Instructions =
        "CortexHub runs shell commands on a mesh of machines (nodes) and keeps their output durably. "
        + "list_nodes shows your nodes; run_command runs a command and answers its exit code with the head and tail of its output; "
        + "read_output fetches any part the answer left out. Long jobs: start_command, then wait_task or get_task. "
        + "Queued work spread over nodes: submit_work and pool_status. "
        + "Interactive programs (REPLs, debuggers, prompts, full-screen tools): open_session, send_input, read_screen, close_session.";

    public static IServiceCollection AddCortexHubMcp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<McpOptions>().Bind(configuration.GetSection(McpOptions.SectionName))
            .Validate(o => o.AnswerBytes >= McpOptions.MinAnswerBytes && o.AnswerBytes <= o.MaxAnswerBytes,
                $"{McpOptions.SectionName}:AnswerBytes must be at least {McpOptions.MinAnswerBytes} and at most MaxAnswerBytes.")
            .Validate(o => o.ResourceBytes >= McpOptions.MinAnswerBytes, $"{McpOptions.SectionName}:ResourceBytes must be at least {McpOptions.MinAnswerBytes}.")
            .ValidateOnStart();
        services.AddTransient<ToolContext>();
        services.AddTransient<NodePicker>();
        services.AddSingleton<TaskLogSubscriptions>();
        services.AddMcpServer(o =>
            {
                o.ServerInfo = new Implementation { Name = "cortexhub", Version = typeof(McpEndpoint).Assembly.GetName().Version?.ToString() ?? "0" };
                o.ServerInstructions = Instructions;
            })
            // Clients of the initialize handshake get a session (needed for resource subscriptions: their
            // notifications come on the session's GET stream); newer clients are served per request.
            .WithHttpTransport(o => o.SessionMode = HttpServerSessionMode.StatefulForInitializeClients)
            .WithTools<NodeTools>()
            .WithTools<TaskTools>()
            .WithTools<PoolTools>()
            .WithTools<SessionTools>()
            .WithRequestFilters(filters => filters.AddCallToolFilter(next => async (request, cancellationToken) =>
            {
                try
                {
                    return await next(request, cancellationToken);
                }
                catch (McpException error) when (error is not McpProtocolException)
                {
                    // What the tool says went wrong is the whole answer, without the SDK's "An error occurred invoking…" lead.
                    return new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = error.Message }] };
                }
            }))
            .WithResources<TaskLogResources>()
            .WithSubscribeToResourcesHandler((request, token) => request.Services!.GetRequiredService<TaskLogSubscriptions>().SubscribeAsync(request, token))
            .WithUnsubscribeFromResourcesHandler((request, token) => request.Services!.GetRequiredService<TaskLogSubscriptions>().UnsubscribeAsync(request, token));
        return services;
    }

    /// <summary>Authenticates every request to /mcp with its API key (401 problem otherwise) and makes the caller the request's user.</summary>
    public static IApplicationBuilder UseCortexHubMcp(this IApplicationBuilder app, ApiAuthentication authentication) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments(Path), mcp => mcp.Use(next => context =>
            authentication.InvokeAsync(context, authenticated =>
            {
                authenticated.User = McpCaller.Principal(ApiCaller.From(authenticated));
                return next(authenticated);
            })));

    public static void Map(IEndpointRouteBuilder endpoints) => endpoints.MapMcp(Path.Value!);
}
