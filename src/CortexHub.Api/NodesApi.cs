using CortexHub.Grains;
using CortexHub.Grains.Limits;
using CortexHub.Grains.Nodes;
using CortexHub.Grains.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace CortexHub.Api;

/// <summary>/api/v1/nodes: list with live status, get, provision (token shown once + install script), rotate or revoke the token, terminal (the screen of the caller's latest session there).</summary>
internal static class NodesApi
{
    /// <param name="PoolSlots">Pool items the node's agent runs at once; default <see cref="ProvisioningScript.DefaultPoolSlots"/>, 0 for none.</param>
    public sealed record ProvisionNodeRequest(string? Id, string? Name, Dictionary<string, string>? Labels, int? PoolSlots = null);

    public sealed record ProvisionedNode(NodeSnapshot Node, string Token, string InstallScript, string AgentCommand);

    public sealed record NodeToken(string NodeId, string Token);

    /// <summary>A node's terminal: the screen of the caller's most recent session on it.</summary>
    public sealed record TerminalView(
        string NodeId, string SessionId, string State, int Columns, int Rows, SessionsApi.CursorView Cursor, IReadOnlyList<string> Lines, string Text);

    public static void Map(RouteGroupBuilder api)
    {
        var nodes = api.MapGroup("/nodes").WithTags("nodes");
        nodes.MapGet("/", async (HttpContext http, NodeRegistry registry, CancellationToken cancellationToken) =>
            TypedResults.Ok(await registry.ListAsync(ApiCaller.From(http).OwnerFilter, cancellationToken)));
        nodes.MapGet("/{id}", GetAsync);
        nodes.MapPost("/", ProvisionAsync).CarriesSecret();
        nodes.MapPost("/{id}/token", RotateTokenAsync).CarriesSecret();
        nodes.MapDelete("/{id}/token", RevokeTokenAsync);
        nodes.MapGet("/{id}/terminal", TerminalAsync);
    }

    private static async Task<Results<Ok<NodeSnapshot>, ProblemHttpResult>> GetAsync(string id, HttpContext http, Orleans.IGrainFactory grains) =>
        await FindAsync(grains, http, id) is { } node ? TypedResults.Ok(node) : ApiProblem.NotFound($"Node '{id}'");

    private static async Task<Results<Created<ProvisionedNode>, ValidationProblem, ProblemHttpResult>> ProvisionAsync(
        ProvisionNodeRequest request, HttpContext http, Orleans.IGrainFactory grains, ProvisioningScript scripts, IOptions<InputLimits> limits)
    {
        var caller = ApiCaller.From(http);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Id) || request.Id.Length > NodeRegistry.MaxNodeIdLength || request.Id.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            errors["id"] = ["Required: 1 to 128 characters, no spaces."];
        }

        var poolSlots = request.PoolSlots ?? ProvisioningScript.DefaultPoolSlots;
        if (poolSlots is < 0 or > ProvisioningScript.MaxPoolSlots)
        {
            errors["poolSlots"] = [$"Must be between 0 and {ProvisioningScript.MaxPoolSlots}."];
        }

        foreach (var (field, messages) in new InvalidRequestException.Builder()
            .CheckLength(request.Name, limits.Value.MaxNodeNameLength, "name")
            .CheckLabels(limits.Value, request.Labels, "labels")
            .Errors)
        {
            errors[field] = messages;
        }

        if (errors.Count > 0)
        {
            return ApiProblem.Validation(errors);
        }

        var node = grains.GetGrain<INodeGrain>(request.Id!);
        string token;
        try
        {
            token = await node.ProvisionAsync(new NodeProvisionRequest(request.Name ?? request.Id!, caller.UserId, request.Labels));
        }
        catch (InvalidOperationException)
        {
            return ApiProblem.Conflict($"Node '{request.Id}' already exists; rotate its token to reconnect it.");
        }

        var snapshot = await node.GetAsync();
        var script = scripts.Create(http.Request, snapshot.NodeId, token, snapshot.Labels, poolSlots);
        return TypedResults.Created($"/api/v1/nodes/{Uri.EscapeDataString(snapshot.NodeId)}",
            new ProvisionedNode(snapshot, token, script, scripts.AgentCommand(http.Request, snapshot.NodeId, snapshot.Labels, poolSlots)));
    }

    private static async Task<Results<Ok<NodeToken>, ProblemHttpResult>> RotateTokenAsync(string id, HttpContext http, Orleans.IGrainFactory grains)
    {
        if (await FindAsync(grains, http, id) is null)
        {
            return ApiProblem.NotFound($"Node '{id}'");
        }

        return TypedResults.Ok(new NodeToken(id, await grains.GetGrain<INodeGrain>(id).RotateTokenAsync()));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeTokenAsync(string id, HttpContext http, Orleans.IGrainFactory grains)
    {
        if (await FindAsync(grains, http, id) is null)
        {
            return ApiProblem.NotFound($"Node '{id}'");
        }

        await grains.GetGrain<INodeGrain>(id).RevokeTokenAsync();
        return TypedResults.NoContent();
    }

    /// <summary>The screen of the caller's most recent session on the node (<c>?format=plain|text</c> for its text alone).</summary>
    private static async Task<Results<Ok<TerminalView>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> TerminalAsync(
        string id, string? format, HttpContext http, Orleans.IGrainFactory grains, TaskDirectory directory, CancellationToken cancellationToken)
    {
        if (format is not (null or "json" or "plain" or "text"))
        {
            return ApiProblem.Field("format", "Must be json, plain or text.");
        }

        var caller = ApiCaller.From(http);
        if (await FindAsync(grains, caller, id) is null)
        {
            return ApiProblem.NotFound($"Node '{id}'");
        }

        if (await SessionsApi.LatestOnNodeAsync(grains, directory, caller, id, cancellationToken) is not { } session)
        {
            return ApiProblem.Create(StatusCodes.Status404NotFound, "Not found.", $"no session on node {id}; open one with POST /api/v1/sessions");
        }

        var (screen, _) = await SessionScreen.RenderAsync(grains.GetGrain<ITaskGrain>(session.TaskId), session);
        return format is "plain" or "text"
            ? TypedResults.Text(screen.Text, "text/plain; charset=utf-8")
            : TypedResults.Ok(new TerminalView(id, session.TaskId, SessionsApi.StateName(session.State), screen.Columns, screen.Rows,
                new SessionsApi.CursorView(screen.Cursor.Row, screen.Cursor.Column), screen.Lines, screen.Text));
    }

    /// <summary>The node if it exists and the caller may see it (another user's node is "not found", not "forbidden").</summary>
    internal static Task<NodeSnapshot?> FindAsync(Orleans.IGrainFactory grains, HttpContext http, string id) => FindAsync(grains, ApiCaller.From(http), id);

    /// <summary>The node if it exists and <paramref name="caller"/> may see it.</summary>
    internal static async Task<NodeSnapshot?> FindAsync(Orleans.IGrainFactory grains, ApiCaller caller, string id)
    {
        if (!IsNodeId(id))
        {
            return null;
        }

        var node = await grains.GetGrain<INodeGrain>(id).GetAsync();
        return node.Provisioned && caller.Owns(node.Owner) ? node : null;
    }

    private static bool IsNodeId(string? id) => !string.IsNullOrWhiteSpace(id) && id.Length <= NodeRegistry.MaxNodeIdLength;
}
