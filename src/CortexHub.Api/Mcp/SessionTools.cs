using System.ComponentModel;
using System.Text;
using CortexHub.Grains;
using CortexHub.Grains.Limits;
using CortexHub.Grains.Tasks;
using CortexHub.Grains.Terminal;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace CortexHub.Api.Mcp;

/// <summary>
/// The session tools: open_session, send_input, read_screen, close_session. A session is a program on
/// a pseudo-terminal of one of the caller's nodes (the sessions API's, with its rules: only the node's
/// owner opens one, only its opener sees it); the model types into it and reads its rendered screen.
/// </summary>
[McpServerToolType]
internal sealed class SessionTools(ToolContext tools, NodePicker picker, TaskFollower follower)
{
    private const double DefaultWaitSeconds = 10;

    [McpServerTool(Name = "open_session", Destructive = true, OpenWorld = true)]
    [Description("Opens an interactive session on one of your nodes: the command (or your login shell when command is empty) runs on a pseudo-terminal "
        + "of columns x rows, as in a terminal window. Answers the session id. Then: send_input types into it, read_screen shows its screen, "
        + "close_session ends it. Use it for REPLs, debuggers, installers that ask questions, full-screen programs; run_command suits commands that just run.")]
    public async Task<string> OpenSessionAsync(
        RequestContext<CallToolRequestParams> request,
        [Description("The node to open it on (list_nodes shows yours; it must be online).")] string nodeId,
        [Description("The program and its arguments, run by the node's shell, e.g. \"python3\" (default: your login shell).")] string? command = null,
        [Description("Terminal width, 1 to 1000 (default 80).")] int? columns = null,
        [Description("Terminal height, 1 to 500 (default 24).")] int? rows = null)
    {
        var caller = ToolContext.Caller(request);
        await picker.PickAsync(caller, nodeId, labels: null, queueIfOffline: false); // a session on an offline node would only wait
        var terminal = new TaskLauncher.Terminal(new TerminalSize(columns ?? TerminalSize.DefaultColumns, rows ?? TerminalSize.DefaultRows), null);
        var outcome = await TaskLauncher.LaunchSessionAsync(tools.Grains, caller,
            new TasksApi.DispatchRequest(null, nodeId, command, null, null, null, null, null), terminal, tools.Limits);
        var session = outcome switch
        {
            { Errors: { } errors } => throw ToolContext.Invalid(errors),
            { Conflict: { } conflict } => throw new McpException(conflict),
            { NodeNotFound: true } => throw ToolContext.UnknownNode(nodeId),
            _ => outcome.Task!,
        };
        return $"Opened session {session.TaskId} on node {session.Spec!.NodeId}: {Program(session)} on a {terminal.Size.Columns}x{terminal.Size.Rows} terminal "
            + $"({SessionsApi.StateName(session.State)}). send_input types into it; read_screen shows its screen; close_session ends it.";
    }

    [McpServerTool(Name = "send_input", Destructive = true, OpenWorld = true)]
    [Description("Types text into a session's terminal, as keystrokes. enter=true presses Enter after it (sends \\r). "
        + "Control keys are characters: Ctrl-C \\u0003, Ctrl-D \\u0004, Escape \\u001b, Tab \\t, arrow up \\u001b[A, down \\u001b[B. "
        + "The program's answer shows on its screen a moment later: read_screen with waitFor waits for it.")]
    public async Task<string> SendInputAsync(
        RequestContext<CallToolRequestParams> request,
        [Description("The session id (open_session returns it).")] string sessionId,
        [Description("The text to type.")] string text,
        [Description("Press Enter after the text (default false).")] bool enter = false)
    {
        var caller = ToolContext.Caller(request);
        await SessionAsync(caller, sessionId);
        var data = Encoding.UTF8.GetBytes(enter ? text + "\r" : text);
        if (data.Length == 0)
        {
            throw new McpException("Nothing to send: give text, or enter=true to press Enter.");
        }

        if (data.Length > InputLimits.MaxInputBytes)
        {
            throw new McpException($"Invalid input: text: At most {InputLimits.MaxInputBytes} bytes per call (got {data.Length}); send more in several calls.");
        }

        try
        {
            var accepted = await tools.Grains.GetGrain<ITaskGrain>(sessionId).SendInputAsync(data, end: false);
            return $"Sent {accepted.Bytes} bytes to session {sessionId}. read_screen shows what it did.";
        }
        catch (InvalidOperationException refused)
        {
            throw new McpException(refused.Message + " open_session opens a new session.");
        }
    }

    [McpServerTool(Name = "read_screen", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Shows a session's terminal screen as text, as a person would see it now (the program's output rendered: cursor movements, "
        + "clears and full-screen programs applied, colours dropped), under a header with its state, size and cursor position. "
        + "waitFor: first wait, up to waitSeconds, until the screen shows this text (e.g. the answer you expect or the next prompt); "
        + "if it does not appear in time, the answer is an error carrying the screen as it is.")]
    public async Task<CallToolResult> ReadScreenAsync(
        RequestContext<CallToolRequestParams> request,
        [Description("The session id.")] string sessionId,
        [Description("Wait until the screen contains this text (optional).")] string? waitFor = null,
        [Description("How long to wait for waitFor, 0 to 300 seconds (default 10).")] double? waitSeconds = null,
        [Description("Most bytes of text in the answer (default 16384); a larger screen loses its top rows.")] int? maxBytes = null,
        CancellationToken cancellationToken = default)
    {
        var caller = ToolContext.Caller(request);
        var budget = tools.Budget(maxBytes);
        var wait = ToolContext.WaitTime(waitSeconds, DefaultWaitSeconds);
        var session = await SessionAsync(caller, sessionId);

        var (screen, found) = await RenderAsync(session, waitFor, wait, cancellationToken);
        session = await tools.Grains.GetGrain<ITaskGrain>(sessionId).GetAsync();
        var missed = found
            ? ""
            : $"Timeout: the screen did not show \"{waitFor}\" within {wait.TotalSeconds:0.###} s"
                + (session.IsFinished ? " and the session has ended. " : ". ")
                + "Its screen now:\n";
        var header = $"Session {sessionId} on node {session.Spec!.NodeId} ({Program(session)}): {SessionsApi.StateName(session.State)}"
            + (session.Result?.ExitCode is { } code ? $", exit code {code}" : "")
            + $"; screen {screen.Columns}x{screen.Rows}, cursor at row {screen.Cursor.Row + 1}, column {screen.Cursor.Column + 1} (from 1)"
            + (screen.AlternateScreen ? "; a full-screen program is showing" : "") + ".\n";
        var text = missed + header + Fit(screen, budget - Encoding.UTF8.GetByteCount(missed + header));
        return new CallToolResult { IsError = !found, Content = [new TextContentBlock { Text = text }] };
    }

    [McpServerTool(Name = "close_session", Destructive = true, Idempotent = true, OpenWorld = false)]
    [Description("Ends a session: its program and everything it started are stopped on the node. Closing an ended session changes nothing.")]
    public async Task<string> CloseSessionAsync(
        RequestContext<CallToolRequestParams> request,
        [Description("The session id.")] string sessionId)
    {
        var caller = ToolContext.Caller(request);
        var session = await SessionAsync(caller, sessionId);
        if (session.IsFinished)
        {
            return $"Session {sessionId} had already ended: {Ending(session)}.";
        }

        await tools.Grains.GetGrain<ITaskGrain>(sessionId).CancelAsync($"session closed by {caller.UserId} through MCP");
        return $"Closing session {sessionId}: its program is being stopped on node {session.Spec!.NodeId}.";
    }

    private async Task<TaskSnapshot> SessionAsync(ApiCaller caller, string sessionId) =>
        await SessionsApi.FindAsync(tools.Grains, caller, sessionId)
            ?? throw new McpException($"Unknown session '{sessionId}': no session with that id is yours. open_session opens one.");

    /// <summary>
    /// The session's retained output fed to a screen of its current size; with <paramref name="waitFor"/>,
    /// further output is fed as it arrives until the screen shows that text, the session ends or the wait is over.
    /// </summary>
    private async Task<(TerminalScreen Screen, bool Found)> RenderAsync(TaskSnapshot session, string? waitFor, TimeSpan wait, CancellationToken cancellationToken)
    {
        var (screen, nextOffset) = await SessionScreen.RenderAsync(tools.Grains.GetGrain<ITaskGrain>(session.TaskId), session);
        if (string.IsNullOrEmpty(waitFor) || screen.Text.Contains(waitFor, StringComparison.Ordinal))
        {
            return (screen, true);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(wait);
        try
        {
            await foreach (var more in follower.FollowOutputAsync(session.TaskId, nextOffset, SessionsApi.RetainedOutputBytes, deadline.Token))
            {
                screen.Feed(more.Data);
                if (screen.Text.Contains(waitFor, StringComparison.Ordinal))
                {
                    return (screen, true);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The wait is over; the screen as it is now is the answer.
        }

        return (screen, false);
    }

    /// <summary>The screen's text within <paramref name="budget"/> bytes: rows from the top go first (the cursor is usually lower).</summary>
    private static string Fit(TerminalScreen screen, int budget)
    {
        const int MarkerBytes = 64;
        var lines = screen.Text.Split('\n');
        var first = lines.Length;
        for (var used = 0; first > 0; first--)
        {
            used += Encoding.UTF8.GetByteCount(lines[first - 1]) + 1;
            if (used > budget - MarkerBytes)
            {
                break;
            }
        }

        return first == 0
            ? string.Join('\n', lines)
            : $"[… the top {first} rows left out to fit maxBytes]\n" + string.Join('\n', lines.Skip(first));
    }

    private static string Program(TaskSnapshot session) =>
        string.IsNullOrEmpty(session.Spec!.Command) ? "login shell" : session.Spec.Command;

    private static string Ending(TaskSnapshot session) =>
        SessionsApi.OutcomeName(session) + (session.Result?.ExitCode is { } code ? $", exit code {code}" : "");
}
