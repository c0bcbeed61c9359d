using CortexHub.Grains.Limits;
using CortexHub.Grains.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace CortexHub.Api;

/// <summary>
/// /api/v1/sessions: interactive programs on a pseudo-terminal of a node. A session is a task with a
/// terminal (id = task id), so it has the task's journal, outbox, cancel and SSE; here it is opened,
/// listed, read as bytes or as a rendered screen, typed into, resized, closed and attached to over a
/// WebSocket (<see cref="SessionAttach"/>). Only the node's owner opens one, and only its opener sees
/// it: anyone else, admins included, gets the 404 of a missing session.
/// </summary>
internal static class SessionsApi
{
    /// <summary>Terminal output a session keeps (the latest bytes): what /output, /screen and a reattach replay from.</summary>
    public const int RetainedOutputBytes = 256 * 1024;

    public sealed record OpenRequest(
        string? NodeId, string? Command, int? Columns, int? Rows, Dictionary<string, string>? Environment, string? WorkingDirectory, string? Term);

    public sealed record SessionView(
        string Id, string NodeId, string Command, string OpenedBy, DateTimeOffset? OpenedAt, string State, int Columns, int Rows,
        int? ExitCode, string? Outcome, long OutputBytes)
    {
        public static SessionView Of(TaskSnapshot task) => new(
            task.TaskId, task.Spec!.NodeId, task.Spec.Command, task.Spec.CreatedBy,
            task.Transitions.TryGetValue(TaskState.Queued, out var at) ? at : null, StateName(task.State),
            task.Terminal?.Columns ?? 0, task.Terminal?.Rows ?? 0, task.Result?.ExitCode, OutcomeName(task), task.OutputBytes);
    }

    public sealed record SessionList(IReadOnlyList<SessionView> Sessions);

    public sealed record ResizeRequest(int? Columns, int? Rows);

    public sealed record CursorView(int Row, int Column);

    public sealed record ScreenView(int Columns, int Rows, CursorView Cursor, IReadOnlyList<string> Lines, string Text);

    public static void Map(RouteGroupBuilder api)
    {
        var sessions = api.MapGroup("/sessions").WithTags("sessions");
        sessions.MapPost("/", OpenAsync);
        sessions.MapGet("/", ListAsync);
        sessions.MapGet("/{id}", GetAsync);
        sessions.MapGet("/{id}/output", OutputAsync);
        sessions.MapGet("/{id}/screen", ScreenAsync);
        sessions.MapPost("/{id}/input", TaskInputApi.SessionInputAsync);
        sessions.MapPost("/{id}/resize", ResizeAsync);
        sessions.MapDelete("/{id}", CloseAsync);
        sessions.MapGet("/{id}/attach", SessionAttach.AttachAsync);
    }

    private static async Task<Results<Created<SessionView>, ValidationProblem, ProblemHttpResult>> OpenAsync(
        OpenRequest request, HttpContext http, Orleans.IGrainFactory grains, IOptions<InputLimits> limits)
    {
        var terminal = new TaskLauncher.Terminal(
            new TerminalSize(request.Columns ?? TerminalSize.DefaultColumns, request.Rows ?? TerminalSize.DefaultRows), request.Term);
        var outcome = await TaskLauncher.LaunchSessionAsync(grains, ApiCaller.From(http),
            new TasksApi.DispatchRequest(null, request.NodeId, request.Command, request.WorkingDirectory, request.Environment, null, null, null),
            terminal, limits.Value);
        return outcome switch
        {
            { Errors: { } errors } => ApiProblem.Validation(errors),
            { Conflict: { } conflict } => ApiProblem.Conflict(conflict),
            { NodeNotFound: true } => ApiProblem.NotFound($"Node '{request.NodeId}'"),
            _ => TypedResults.Created($"/api/v1/sessions/{Uri.EscapeDataString(outcome.Task!.TaskId)}", SessionView.Of(outcome.Task)),
        };
    }

    /// <summary>The caller's sessions, newest first (among their latest 1000 tasks; at most 100).</summary>
    private static async Task<Ok<SessionList>> ListAsync(string? nodeId, HttpContext http, Orleans.IGrainFactory grains, TaskDirectory directory, CancellationToken cancellationToken)
    {
        var caller = ApiCaller.From(http);
        var listed = (await directory.ListAsync(caller.UserId, 1000, cancellationToken))
            .Where(t => t.Spec is { IsSession: true } spec && spec.CreatedBy == caller.UserId && (nodeId is null || spec.NodeId == nodeId))
            .Take(100);

        // The listing lacks the live parts (current size, output bytes): each session answers for itself.
        var sessions = await Task.WhenAll(listed.Select(t => grains.GetGrain<ITaskGrain>(t.TaskId).GetAsync()));
        return TypedResults.Ok(new SessionList([.. sessions.Where(s => s.Exists).Select(SessionView.Of)]));
    }

    private static async Task<Results<Ok<SessionView>, ProblemHttpResult>> GetAsync(string id, HttpContext http, Orleans.IGrainFactory grains) =>
        await FindAsync(grains, ApiCaller.From(http), id) is { } session ? TypedResults.Ok(SessionView.Of(session)) : NotFound(id);

    /// <summary>Raw output from byte offset <paramref name="after"/> to now; <c>X-Output-Offset</c> names where it starts (later than asked once bytes are no longer kept).</summary>
    private static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> OutputAsync(
        string id, long? after, HttpContext http, Orleans.IGrainFactory grains)
    {
        if (after is < 0)
        {
            return ApiProblem.Field("after", "Must be 0 or more.");
        }

        if (await FindAsync(grains, ApiCaller.From(http), id) is null)
        {
            return NotFound(id);
        }

        var slice = await grains.GetGrain<ITaskGrain>(id).ReadOutputAsync(after ?? 0, RetainedOutputBytes);
        http.Response.Headers["X-Output-Offset"] = slice.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.File(slice.Data, "application/octet-stream");
    }

    /// <summary>The screen as a terminal shows it now (its retained output rendered by the VT screen at its current size); <c>?format=text</c> for plain text.</summary>
    private static async Task<Results<Ok<ScreenView>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> ScreenAsync(
        string id, string? format, HttpContext http, Orleans.IGrainFactory grains)
    {
        if (format is not (null or "json" or "text"))
        {
            return ApiProblem.Field("format", "Must be json or text.");
        }

        if (await FindAsync(grains, ApiCaller.From(http), id) is not { } session)
        {
            return NotFound(id);
        }

        var (screen, _) = await SessionScreen.RenderAsync(grains.GetGrain<ITaskGrain>(id), session);
        return format == "text"
            ? TypedResults.Text(screen.Text, "text/plain; charset=utf-8")
            : TypedResults.Ok(new ScreenView(screen.Columns, screen.Rows, new CursorView(screen.Cursor.Row, screen.Cursor.Column), screen.Lines, screen.Text));
    }

    private static async Task<Results<Accepted<SessionView>, ValidationProblem, ProblemHttpResult>> ResizeAsync(
        string id, ResizeRequest request, HttpContext http, Orleans.IGrainFactory grains)
    {
        // Found first: to anyone but its opener the session does not exist, whatever the body says.
        if (await FindAsync(grains, ApiCaller.From(http), id) is null)
        {
            return NotFound(id);
        }

        var errors = new Grains.InvalidRequestException.Builder()
            .Check(request.Columns is not null, "columns", "Required.")
            .Check(request.Rows is not null, "rows", "Required.");
        if (request.Columns is { } columns && request.Rows is { } rows)
        {
            TerminalSize.Check(errors, columns, rows);
        }

        if (errors.Errors.Count > 0)
        {
            return ApiProblem.Validation(errors.Errors);
        }

        var session = grains.GetGrain<ITaskGrain>(id);
        await session.ResizeAsync(request.Columns!.Value, request.Rows!.Value);
        return TypedResults.Accepted($"/api/v1/sessions/{Uri.EscapeDataString(id)}", SessionView.Of(await session.GetAsync()));
    }

    /// <summary>Closes the session: its process group is ended on the node (the outcome is cancelled), unless it is over already.</summary>
    private static async Task<Results<Accepted<SessionView>, ProblemHttpResult>> CloseAsync(string id, HttpContext http, Orleans.IGrainFactory grains)
    {
        var caller = ApiCaller.From(http);
        if (await FindAsync(grains, caller, id) is null)
        {
            return NotFound(id);
        }

        var closed = await grains.GetGrain<ITaskGrain>(id).CancelAsync($"session closed by {caller.UserId}");
        return TypedResults.Accepted($"/api/v1/sessions/{Uri.EscapeDataString(id)}", SessionView.Of(closed));
    }

    /// <summary>The session if it exists and <paramref name="caller"/> opened it (only its opener sees it, not even an admin).</summary>
    internal static async Task<TaskSnapshot?> FindAsync(Orleans.IGrainFactory grains, ApiCaller caller, string id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > InputLimits.MaxTaskIdLength)
        {
            return null;
        }

        var task = await grains.GetGrain<ITaskGrain>(id).GetAsync();
        return task is { Exists: true, Spec.IsSession: true } && task.Spec.CreatedBy == caller.UserId ? task : null;
    }

    /// <summary>The newest session <paramref name="caller"/> opened on <paramref name="nodeId"/> (among their latest 1000 tasks): the node's terminal for them.</summary>
    internal static async Task<TaskSnapshot?> LatestOnNodeAsync(
        Orleans.IGrainFactory grains, TaskDirectory directory, ApiCaller caller, string nodeId, CancellationToken cancellationToken)
    {
        var latest = (await directory.ListAsync(caller.UserId, 1000, cancellationToken))
            .FirstOrDefault(t => t.Spec is { IsSession: true } spec && spec.CreatedBy == caller.UserId && spec.NodeId == nodeId);
        return latest is null ? null : await FindAsync(grains, caller, latest.TaskId);
    }

    internal static ProblemHttpResult NotFound(string id) => ApiProblem.NotFound($"Session '{id}'");

    internal static string StateName(TaskState state) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(state.ToString());

    /// <summary>How a finished session ended, in the node's terms (exited, failed, cancelled, timedOut) or lost; null while it runs.</summary>
    internal static string? OutcomeName(TaskSnapshot task) => task.State switch
    {
        TaskState.Succeeded => "exited",
        TaskState.Failed => task.Result?.ExitCode is null ? "failed" : "exited",
        TaskState.Cancelled => "cancelled",
        TaskState.TimedOut => "timedOut",
        TaskState.Lost => "lost",
        _ => null,
    };
}
