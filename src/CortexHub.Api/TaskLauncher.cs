using CortexHub.Grains;
using CortexHub.Grains.Cluster;
using CortexHub.Grains.Limits;
using CortexHub.Grains.Tasks;

namespace CortexHub.Api;

/// <summary>
/// Creates a task for a caller after the checks every edge makes (the HTTP API and the MCP tools):
/// bounds on the request, a node the caller may dispatch to, an id not taken yet.
/// </summary>
internal static class TaskLauncher
{
    /// <summary>
    /// Exactly one of <see cref="Task"/>, <see cref="Errors"/> (by request field), <see cref="Conflict"/> or
    /// <see cref="NodeNotFound"/> (a session on a node that is not the caller's) is set.
    /// </summary>
    public sealed record Outcome(TaskSnapshot? Task, IReadOnlyDictionary<string, string[]>? Errors, string? Conflict, bool NodeNotFound = false);

    /// <summary>A session's terminal: its size and TERM.</summary>
    public sealed record Terminal(TerminalSize Size, string? Term);

    public static Task<Outcome> LaunchAsync(Orleans.IGrainFactory grains, ApiCaller caller, TasksApi.DispatchRequest request, InputLimits limits) =>
        LaunchAsync(grains, caller, request, limits, terminal: null);

    /// <summary>
    /// Opens a session: a task on a pseudo-terminal (the login shell when the command is empty),
    /// on a node the caller owns (admins too: a session is its opener's alone); its output is kept
    /// as one window of the latest <see cref="SessionsApi.RetainedOutputBytes"/>.
    /// </summary>
    public static Task<Outcome> LaunchSessionAsync(Orleans.IGrainFactory grains, ApiCaller caller, TasksApi.DispatchRequest request, Terminal terminal, InputLimits limits) =>
        LaunchAsync(grains, caller, request with { Command = request.Command ?? "", HeadBytes = 0, TailBytes = SessionsApi.RetainedOutputBytes, Stdin = null }, limits, terminal);

    private static async Task<Outcome> LaunchAsync(Orleans.IGrainFactory grains, ApiCaller caller, TasksApi.DispatchRequest request, InputLimits limits, Terminal? terminal)
    {
        var id = string.IsNullOrWhiteSpace(request.Id) ? (terminal is null ? "t-" : "s-") + Guid.CreateVersion7().ToString("N") : request.Id;
        var errors = Check(request, id, limits, terminal);
        if (errors.Count > 0)
        {
            return new Outcome(null, errors, null);
        }

        // Dispatching to someone else's node looks the same as to a missing one.
        var node = await NodesApi.FindAsync(grains, caller, request.NodeId!);
        if (terminal is not null && node?.Owner != caller.UserId)
        {
            return new Outcome(null, null, null, NodeNotFound: true);
        }

        if (node is null)
        {
            return new Outcome(null, new Dictionary<string, string[]> { ["nodeId"] = [$"No node '{request.NodeId}' you can dispatch to."] }, null);
        }

        // The task grain starts on the silo holding the node's stream (if it is connected).
        BesideNodePlacement.Hint(node.SiloId);

        var spec = new TaskSpec(request.NodeId!, request.Command!, caller.UserId, request.WorkingDirectory, request.Environment,
            request.TimeoutSeconds is { } t ? TimeSpan.FromSeconds(t) : null, request.HeadBytes, request.TailBytes,
            Terminal: terminal?.Size, Term: terminal?.Term, StdinOpen: request.Stdin == true);
        try
        {
            return new Outcome(await grains.GetGrain<ITaskGrain>(id).DispatchAsync(spec), null, null);
        }
        catch (InvalidOperationException)
        {
            return new Outcome(null, null, $"Task '{id}' already exists.");
        }
    }

    private static Dictionary<string, string[]> Check(TasksApi.DispatchRequest request, string id, InputLimits limits, Terminal? terminal)
    {
        var errors = new Dictionary<string, string[]>();
        if (id.Length > InputLimits.MaxTaskIdLength || id.Any(char.IsWhiteSpace))
        {
            errors["id"] = [$"At most {InputLimits.MaxTaskIdLength} characters, no spaces."];
        }

        if (string.IsNullOrWhiteSpace(request.NodeId))
        {
            errors["nodeId"] = ["Required."];
        }

        if (string.IsNullOrWhiteSpace(request.Command) && terminal is null)
        {
            errors["command"] = ["Required."];
        }

        if (request.TimeoutSeconds is <= 0 or > 7 * 24 * 3600)
        {
            errors["timeoutSeconds"] = ["Must be positive and at most 7 days."];
        }

        if (request.HeadBytes is < 0 or > JournalOptions.MaxBufferBytes)
        {
            errors["headBytes"] = [$"Must be between 0 and {JournalOptions.MaxBufferBytes}."];
        }

        if (request.TailBytes is < 0 or > JournalOptions.MaxBufferBytes)
        {
            errors["tailBytes"] = [$"Must be between 0 and {JournalOptions.MaxBufferBytes}."];
        }

        // Bounded here, before anything is stored: a dispatch its node cannot receive would be resent on every reconnect.
        var timeout = request.TimeoutSeconds is { } seconds && !errors.ContainsKey("timeoutSeconds") ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var bounds = new InvalidRequestException.Builder()
            .CheckWork(limits, errors.ContainsKey("id") ? null : id, request.Command, request.WorkingDirectory, request.Environment, timeout);
        if (terminal is not null)
        {
            TerminalSize.Check(bounds, terminal.Size.Columns, terminal.Size.Rows)
                .CheckLength(terminal.Term, TaskSpec.MaxTermLength, "term")
                .Check(terminal.Term is null || !terminal.Term.Any(char.IsControl), "term", "No control characters.");
        }

        foreach (var (field, messages) in bounds.Errors)
        {
            errors[field] = [.. errors.GetValueOrDefault(field, []), .. messages];
        }

        return errors;
    }
}
