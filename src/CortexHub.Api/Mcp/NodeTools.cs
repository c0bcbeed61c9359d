using System.ComponentModel;
using System.Globalization;
using System.Text;
using CortexHub.Grains.Nodes;
using CortexHub.Grains.Tasks;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace CortexHub.Api.Mcp;

/// <summary>The nodes tools: list_nodes and terminal_history.</summary>
[McpServerToolType]
internal sealed class NodeTools(ToolContext tools, TaskDirectory directory)
{
    /// <summary>Tasks looked at for the running counts of list_nodes: the caller's most recent.</summary>
    private const int RecentTasks = 1000;

    [McpServerTool(Name = "list_nodes", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Lists the machines (nodes) you can run commands on: id, name, live status (online, offline, draining), labels, and the tasks running on each. "
        + "Use a node id or a set of labels with run_command or start_command.")]
    public async Task<string> ListNodesAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var caller = ToolContext.Caller(request);
        var nodes = await tools.Registry.ListAsync(caller.OwnerFilter, cancellationToken);
        if (nodes.Count == 0)
        {
            return "You have no nodes yet. Provision one with the HTTP API (POST /api/v1/nodes) or `cortex node provision`.";
        }

        var running = (await directory.ListAsync(caller.OwnerFilter, RecentTasks, cancellationToken))
            .Where(t => !t.IsFinished && t.Spec is not null)
            .GroupBy(t => t.Spec!.NodeId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(t => t.TaskId).ToList(), StringComparer.Ordinal);
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{nodes.Count} node(s):\n");
        foreach (var node in nodes)
        {
            var tasks = running.GetValueOrDefault(node.NodeId) ?? [];
            text.Append(CultureInfo.InvariantCulture, $"- {node.NodeId} ({node.Name}): {node.Status.ToString().ToLowerInvariant()}");
            text.Append(node.Labels.Count == 0 ? ", no labels" : ", labels " + string.Join(",", node.Labels.Select(l => $"{l.Key}={l.Value}")));
            text.Append(CultureInfo.InvariantCulture, $", {tasks.Count} running task(s)");
            if (tasks.Count > 0)
            {
                text.Append(": ").Append(string.Join(", ", tasks.Take(10))).Append(tasks.Count > 10 ? ", …" : "");
            }

            if (node.Status != NodeStatus.Online && node.LastSeenAt is { } seen)
            {
                text.Append(CultureInfo.InvariantCulture, $", last seen {seen:u}");
            }

            text.Append('\n');
        }

        return Utf8.Fit(text.ToString(), tools.Options.AnswerBytes, fromEnd: false);
    }

    [McpServerTool(Name = "terminal_history", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Shows a node's terminal: the screen of your most recent session on it (as read_screen shows it), under a header naming the session, "
        + "its size and cursor; cut from the top to fit maxBytes. open_session opens a session.")]
    public async Task<string> TerminalHistoryAsync(
        RequestContext<CallToolRequestParams> request,
        [Description("The node's id, as list_nodes shows it.")] string nodeId,
        [Description("Most bytes of text in the answer (default 16384).")] int? maxBytes = null,
        CancellationToken cancellationToken = default)
    {
        var caller = ToolContext.Caller(request);
        var budget = tools.Budget(maxBytes);
        await tools.NodeAsync(caller, nodeId);
        if (await SessionsApi.LatestOnNodeAsync(tools.Grains, directory, caller, nodeId, cancellationToken) is not { } session)
        {
            return $"No session on node {nodeId}: a node's terminal is your sessions on it; open_session opens one.";
        }

        var (screen, _) = await SessionScreen.RenderAsync(tools.Grains.GetGrain<ITaskGrain>(session.TaskId), session);
        var header = $"terminal of node {nodeId}: session {session.TaskId} ({SessionsApi.StateName(session.State)}), "
            + $"screen {screen.Columns}x{screen.Rows}, cursor at row {screen.Cursor.Row + 1}, column {screen.Cursor.Column + 1} (from 1):\n";
        return header + Utf8.Fit(screen.Text, budget - Encoding.UTF8.GetByteCount(header), fromEnd: true);
    }
}
