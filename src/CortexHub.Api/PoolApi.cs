using CortexHub.Grains;
using CortexHub.Grains.Limits;
using CortexHub.Grains.Pool;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace CortexHub.Api;

/// <summary>/api/v1/pool: submit, get, list by state, cancel, requeue or delete dead letters, stats.</summary>
internal static class PoolApi
{
    /// <summary>The longest timeout, visibility timeout or delay a submit may ask for: 365 days.</summary>
    public const double MaxDurationSeconds = 365 * 24 * 3600;

    /// <summary>WorkPool's field names for what this API's submit request calls otherwise.</summary>
    private static readonly Dictionary<string, string> RequestFields = new(StringComparer.Ordinal)
    {
        ["work.command"] = "command",
        ["work.workingDirectory"] = "workingDirectory",
        ["work.environment"] = "environment",
        ["work.dispatch"] = "dispatch",
        ["work.timeout"] = "timeoutSeconds",
        ["visibilityTimeout"] = "visibilityTimeoutSeconds",
        ["delay"] = "delaySeconds",
    };

    public sealed record SubmitRequest(
        string? Command, string? WorkingDirectory, Dictionary<string, string>? Environment, double? TimeoutSeconds, int? Priority,
        Dictionary<string, string>? RequiredLabels, string? IdempotencyKey, int? MaxAttempts, double? VisibilityTimeoutSeconds, double? DelaySeconds);

    public sealed record ItemList(IReadOnlyList<PoolItem> Items, long? NextAfter);

    public sealed record CancelRequest(string? Reason);

    public static void Map(RouteGroupBuilder api)
    {
        var pool = api.MapGroup("/pool").WithTags("pool");
        pool.MapPost("/items", SubmitAsync);
        pool.MapGet("/items", ListAsync);
        pool.MapGet("/items/{id}", GetAsync);
        pool.MapPost("/items/{id}/cancel", CancelAsync);
        pool.MapPost("/items/{id}/requeue", RequeueAsync);
        pool.MapDelete("/items/{id}", DeleteAsync);
        pool.MapGet("/stats", StatsAsync);
    }

    private static async Task<Results<Created<PoolItem>, Ok<PoolItem>, ValidationProblem>> SubmitAsync(SubmitRequest request, HttpContext http, WorkPool pool)
    {
        var (result, errors) = await SubmitForAsync(pool, ApiCaller.From(http), request);
        if (errors is not null)
        {
            return ApiProblem.Validation(errors);
        }

        return result!.Created
            ? TypedResults.Created($"/api/v1/pool/items/{result.Item.ItemId}", result.Item)
            : TypedResults.Ok(result.Item); // an idempotent repeat: the first submit's item
    }

    /// <summary>Submits for <paramref name="caller"/> (the HTTP API and the MCP tools alike): the result, or the errors by this API's field names.</summary>
    internal static async Task<(PoolSubmitResult? Result, IReadOnlyDictionary<string, string[]>? Errors)> SubmitForAsync(WorkPool pool, ApiCaller caller, SubmitRequest request)
    {
        // Bounded here, in the request's own units: a huge number of seconds does not fit a TimeSpan
        // (an overflow, answered 500), and a lease ending past year 9999 could not be read back once
        // a node claimed the item.
        var errors = new Dictionary<string, string[]>();
        foreach (var (field, seconds) in new[] { ("timeoutSeconds", request.TimeoutSeconds), ("visibilityTimeoutSeconds", request.VisibilityTimeoutSeconds), ("delaySeconds", request.DelaySeconds) })
        {
            if (seconds is > MaxDurationSeconds or < -MaxDurationSeconds)
            {
                errors[field] = [$"Must be within {MaxDurationSeconds} seconds (365 days)."];
            }
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        // WorkPool validates the rest; its field names become this request's.
        try
        {
            return (await pool.SubmitAsync(new PoolSubmitRequest(
                new PoolWork(request.Command ?? "", request.WorkingDirectory, request.Environment, Seconds(request.TimeoutSeconds)),
                caller.UserId, request.Priority ?? 0, request.RequiredLabels, request.IdempotencyKey, request.MaxAttempts,
                Seconds(request.VisibilityTimeoutSeconds), Seconds(request.DelaySeconds))), null);
        }
        catch (InvalidRequestException invalid)
        {
            return (null, invalid.Errors.ToDictionary(e => RequestFields.GetValueOrDefault(e.Key, e.Key), e => e.Value));
        }
    }

    private static async Task<Results<Ok<ItemList>, ValidationProblem>> ListAsync(string? state, long? after, int? limit, HttpContext http, WorkPool pool)
    {
        PoolItemState? filter = null;
        if (state is not null)
        {
            if (!Enum.TryParse<PoolItemState>(state, ignoreCase: true, out var parsed) || int.TryParse(state, out _))
            {
                return ApiProblem.Field("state", "Must be one of available, claimed, done, dead, cancelled.");
            }

            filter = parsed;
        }

        if (limit is < 1 or > 1000)
        {
            return ApiProblem.Field("limit", "Must be between 1 and 1000.");
        }

        var items = await pool.ListAsync(filter, ApiCaller.From(http).OwnerFilter, after ?? 0, limit ?? 100);
        return TypedResults.Ok(new ItemList(items, items.Count == (limit ?? 100) ? items[^1].Seq : null));
    }

    private static async Task<Results<Ok<PoolItem>, ProblemHttpResult>> GetAsync(string id, HttpContext http, WorkPool pool) =>
        await FindAsync(pool, http, id) is { } item ? TypedResults.Ok(item) : ApiProblem.NotFound($"Pool item '{id}'");

    private static async Task<Results<Ok<PoolItem>, ValidationProblem, ProblemHttpResult>> CancelAsync(
        string id, CancelRequest? request, HttpContext http, WorkPool pool, IOptions<InputLimits> limits)
    {
        var bounds = new InvalidRequestException.Builder().CheckLength(request?.Reason, limits.Value.MaxReasonLength, "reason");
        if (bounds.Errors.Count > 0)
        {
            return ApiProblem.Validation(bounds.Errors);
        }

        if (await FindAsync(pool, http, id) is null)
        {
            return ApiProblem.NotFound($"Pool item '{id}'");
        }

        return await pool.CancelAsync(id, request?.Reason ?? $"cancelled by {ApiCaller.From(http).UserId}") is { } item
            ? TypedResults.Ok(item)
            : ApiProblem.Conflict($"Pool item '{id}' is already finished.");
    }

    private static async Task<Results<Ok<PoolItem>, ProblemHttpResult>> RequeueAsync(string id, HttpContext http, WorkPool pool)
    {
        if (await FindAsync(pool, http, id) is null)
        {
            return ApiProblem.NotFound($"Pool item '{id}'");
        }

        return await pool.RequeueAsync(id) is { } item ? TypedResults.Ok(item) : ApiProblem.Conflict($"Pool item '{id}' is not a dead letter.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, HttpContext http, WorkPool pool)
    {
        if (await FindAsync(pool, http, id) is null)
        {
            return ApiProblem.NotFound($"Pool item '{id}'");
        }

        return await pool.DeleteAsync(id) ? TypedResults.NoContent() : ApiProblem.Conflict($"Pool item '{id}' is still live; cancel it first.");
    }

    /// <summary>Pool-wide counts; a user sees in-flight figures only for their own nodes.</summary>
    private static async Task<Ok<PoolStats>> StatsAsync(HttpContext http, WorkPool pool, Grains.Nodes.NodeRegistry registry, CancellationToken cancellationToken) =>
        TypedResults.Ok(await StatsForAsync(ApiCaller.From(http), pool, registry, cancellationToken));

    /// <summary>Pool-wide counts as <paramref name="caller"/> may see them.</summary>
    internal static async Task<PoolStats> StatsForAsync(ApiCaller caller, WorkPool pool, Grains.Nodes.NodeRegistry registry, CancellationToken cancellationToken)
    {
        var stats = await pool.StatsAsync();
        if (!caller.IsAdmin)
        {
            var mine = (await registry.ListAsync(caller.UserId, cancellationToken)).Select(n => n.NodeId).ToHashSet(StringComparer.Ordinal);
            stats = stats with { InFlightByNode = stats.InFlightByNode.Where(n => mine.Contains(n.Key)).ToDictionary() };
        }

        return stats;
    }

    private static Task<PoolItem?> FindAsync(WorkPool pool, HttpContext http, string id) => FindAsync(pool, ApiCaller.From(http), id);

    /// <summary>The pool item if it exists and <paramref name="caller"/> may see it.</summary>
    internal static async Task<PoolItem?> FindAsync(WorkPool pool, ApiCaller caller, string id) =>
        await pool.GetAsync(id) is { } item && caller.Owns(item.CreatedBy) ? item : null;

    private static TimeSpan? Seconds(double? seconds) => seconds is { } s && double.IsFinite(s) ? TimeSpan.FromSeconds(s) : null;
}
