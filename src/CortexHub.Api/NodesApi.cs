using CortexHub.Grains;
using CortexHub.Grains.Limits;
using CortexHub.Grains.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace CortexHub.Api;

/// <summary>/api/v1/nodes: list with live status, get, provision (token shown once + install script), rotate or revoke the token, terminal.</summary>
internal static class NodesApi
{
    /// <param name="PoolSlots">Pool items the node's agent runs at once; default <see cref="ProvisioningScript.DefaultPoolSlots"/>, 0 for none.</param>
    public sealed record ProvisionNodeRequest(string? Id, string? Name, Dictionary<string, string>? Labels, int? PoolSlots = null);

    public sealed record ProvisionedNode(NodeSnapshot Node, string Token, string InstallScript, string AgentCommand);

    public sealed record NodeToken(string NodeId, string Token);

    public sealed record TerminalView(string NodeId, IReadOnlyList<TerminalChunkView> Chunks, string Text);

    public sealed record TerminalChunkView(long Sequence, DateTimeOffset At, int Bytes);

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

    private static async Task<Results<Ok<TerminalView>, ContentHttpResult, ProblemHttpResult>> TerminalAsync(
        string id, string? format, HttpContext http, Orleans.IGrainFactory grains)
    {
        if (await FindAsync(grains, http, id) is null)
        {
            return ApiProblem.NotFound($"Node '{id}'");
        }

        var chunks = await grains.GetGrain<INodeGrain>(id).GetTerminalAsync();
        return format switch
        {
            "raw" => TypedResults.Text(TerminalText.Render(chunks, plain: false), "text/plain; charset=utf-8"),
            "plain" => TypedResults.Text(TerminalText.Render(chunks, plain: true), "text/plain; charset=utf-8"),
            _ => TypedResults.Ok(new TerminalView(id, [.. chunks.Select(c => new TerminalChunkView(c.Sequence, c.At, c.Data.Length))], TerminalText.Render(chunks, plain: false))),
        };
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
