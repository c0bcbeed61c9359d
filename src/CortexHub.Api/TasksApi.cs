using CortexHub.Grains;
using CortexHub.Grains.Limits;
using CortexHub.Grains.Journal;
using CortexHub.Grains.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace CortexHub.Api;

/// <summary>/api/v1/tasks: dispatch to a node, get with journal, wait, cancel, full or plain logs (one stream or both).</summary>
internal static class TasksApi
{
    /// <param name="Stdin">True keeps the task's stdin open for <c>POST /tasks/{id}/input</c> until an input with <c>end=true</c>.</param>
    public sealed record DispatchRequest(
        string? Id, string? NodeId, string? Command, string? WorkingDirectory, Dictionary<string, string>? Environment,
        double? TimeoutSeconds, int? HeadBytes, int? TailBytes, bool? Stdin = null);

    public sealed record StreamView(string Head, long OmittedBytes, string Tail, string Display);

    public sealed record TaskView(
        TaskSnapshot Task, StreamView? Stdout, StreamView? Stderr, IReadOnlyList<ThoughtRecord>? Thoughts, long ThoughtsDropped,
        TaskProgressInfo? Progress, long FullLogBytes, long FullLogOmittedBytes);

    public sealed record CancelRequest(string? Reason);

    public static void Map(RouteGroupBuilder api)
    {
        var tasks = api.MapGroup("/tasks").WithTags("tasks");
        tasks.MapGet("/", ListAsync);
        tasks.MapPost("/", DispatchAsync);
        tasks.MapGet("/{id}", GetAsync);
        tasks.MapGet("/{id}/wait", WaitAsync);
        tasks.MapPost("/{id}/cancel", CancelAsync);
        tasks.MapGet("/{id}/logs", LogsAsync);
    }

    /// <summary>The newest tasks first; with <paramref name="idPrefix"/> the tasks whose ids start with it, in id order.</summary>
    private static async Task<Results<Ok<IReadOnlyList<TaskSnapshot>>, ValidationProblem>> ListAsync(
        int? limit, string? idPrefix, HttpContext http, TaskDirectory directory, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 1000)
        {
            return ApiProblem.Field("limit", "Must be between 1 and 1000.");
        }

        if (idPrefix is not null && (idPrefix.Length is 0 or > InputLimits.MaxTaskIdLength))
        {
            return ApiProblem.Field("idPrefix", $"Must be 1 to {InputLimits.MaxTaskIdLength} characters.");
        }

        var caller = ApiCaller.From(http);
        var listed = idPrefix is null
            ? await directory.ListAsync(caller.OwnerFilter, limit ?? 50, cancellationToken)
            : await directory.ListByIdPrefixAsync(caller.OwnerFilter, idPrefix, limit ?? 50, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<TaskSnapshot>>([.. listed.Where(t => t.Spec is null || Sees(caller, t))]);
    }

    private static async Task<Results<Created<TaskSnapshot>, ValidationProblem, ProblemHttpResult>> DispatchAsync(
        DispatchRequest request, HttpContext http, Orleans.IGrainFactory grains, IOptions<InputLimits> limits)
    {
        var outcome = await TaskLauncher.LaunchAsync(grains, ApiCaller.From(http), request, limits.Value);
        return outcome switch
        {
            { Errors: { } errors } => ApiProblem.Validation(errors),
            { Conflict: { } conflict } => ApiProblem.Conflict(conflict),
            _ => TypedResults.Created($"/api/v1/tasks/{Uri.EscapeDataString(outcome.Task!.TaskId)}", outcome.Task),
        };
    }

    private static async Task<Results<Ok<TaskView>, ProblemHttpResult>> GetAsync(string id, HttpContext http, Orleans.IGrainFactory grains)
    {
        if (await FindAsync(grains, http, id) is null)
        {
            return ApiProblem.NotFound($"Task '{id}'");
        }

        var journal = await grains.GetGrain<ITaskGrain>(id).GetJournalAsync();
        return TypedResults.Ok(new TaskView(journal.Task, View(journal.Stdout), View(journal.Stderr), journal.Thoughts, journal.ThoughtsDropped,
            journal.Progress, journal.FullLogBytes, journal.FullLogOmittedBytes));
    }

    private static async Task<Results<Ok<TaskSnapshot>, ValidationProblem, ProblemHttpResult>> WaitAsync(
        string id, double? timeoutSeconds, HttpContext http, Orleans.IGrainFactory grains, TaskWaiter waiter, CancellationToken cancellationToken)
    {
        if (timeoutSeconds is not (null or (>= 0 and <= 300))) // NaN fails both bounds
        {
            return ApiProblem.Field("timeoutSeconds", "Must be between 0 and 300.");
        }

        if (await FindAsync(grains, http, id) is null)
        {
            return ApiProblem.NotFound($"Task '{id}'");
        }

        return TypedResults.Ok(await waiter.WaitAsync(id, TimeSpan.FromSeconds(timeoutSeconds ?? 30), cancellationToken));
    }

    private static async Task<Results<Ok<TaskSnapshot>, ValidationProblem, ProblemHttpResult>> CancelAsync(
        string id, CancelRequest? request, HttpContext http, Orleans.IGrainFactory grains, IOptions<InputLimits> limits)
    {
        var bounds = new InvalidRequestException.Builder().CheckLength(request?.Reason, limits.Value.MaxReasonLength, "reason");
        if (bounds.Errors.Count > 0)
        {
            return ApiProblem.Validation(bounds.Errors);
        }

        if (await FindAsync(grains, http, id) is null)
        {
            return ApiProblem.NotFound($"Task '{id}'");
        }

        return TypedResults.Ok(await grains.GetGrain<ITaskGrain>(id).CancelAsync(request?.Reason ?? $"cancelled by {ApiCaller.From(http).UserId}"));
    }

    private static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> LogsAsync(
        string id, string? stream, string? format, HttpContext http, Orleans.IGrainFactory grains, CancellationToken cancellationToken)
    {
        // "all": both streams interleaved in the order the node sent them, as a terminal showed them.
        var known = stream is null or "stdout" or "stderr" or "all";
        if (!known || format is not (null or "raw" or "plain"))
        {
            return ApiProblem.Validation(new Dictionary<string, string[]>
            {
                [known ? "format" : "stream"] = [known ? "Must be raw or plain." : "Must be stdout, stderr or all."],
            });
        }

        var kind = stream switch
        {
            "stderr" => OutputStreamKind.Stderr,
            "all" => (OutputStreamKind?)null,
            _ => OutputStreamKind.Stdout,
        };

        if (await FindAsync(grains, http, id) is null)
        {
            return ApiProblem.NotFound($"Task '{id}'");
        }

        var text = await TaskLogReader.ReadAsync(grains.GetGrain<ITaskGrain>(id), kind, plain: format == "plain", cancellationToken);
        return TypedResults.Text(text, "text/plain; charset=utf-8");
    }

    /// <summary>A caller sees their own tasks (admins everyone's), but a session only its opener sees.</summary>
    private static bool Sees(ApiCaller caller, TaskSnapshot task) =>
        task.Spec!.IsSession ? task.Spec.CreatedBy == caller.UserId : caller.Owns(task.Spec.CreatedBy);

    /// <summary>The task if it exists and the caller may see it.</summary>
    internal static Task<TaskSnapshot?> FindAsync(Orleans.IGrainFactory grains, HttpContext http, string id) => FindAsync(grains, ApiCaller.From(http), id);

    /// <summary>The task if it exists and <paramref name="caller"/> may see it.</summary>
    internal static async Task<TaskSnapshot?> FindAsync(Orleans.IGrainFactory grains, ApiCaller caller, string id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > InputLimits.MaxTaskIdLength)
        {
            return null;
        }

        var task = await grains.GetGrain<ITaskGrain>(id).GetAsync();
        return task.Exists && Sees(caller, task) ? task : null;
    }

    private static StreamView View(TruncatedText text) =>
        new(System.Text.Encoding.UTF8.GetString(text.Head), text.OmittedBytes, System.Text.Encoding.UTF8.GetString(text.Tail), text.ToDisplayString());
}
