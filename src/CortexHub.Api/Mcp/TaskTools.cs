using System.ComponentModel;
using System.Globalization;
using CortexHub.Grains;
using CortexHub.Grains.Limits;
using CortexHub.Grains.Nodes;
using CortexHub.Grains.Tasks;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace CortexHub.Api.Mcp;

/// <summary>The task tools: run_command, start_command, get_task, read_output, wait_task, cancel_task, add_thought.</summary>
[McpServerToolType]
internal sealed class TaskTools(ToolContext tools, TaskWaiter waiter, NodePicker picker)
{
    private const double DefaultWaitSeconds = 60;

    [McpServerTool(Name = "run_command", Destructive = true, OpenWorld = true)]
    [Description("Runs a shell command (bash -c) on one of your nodes and waits for it to finish, up to waitSeconds. "
        + "Answers the task id, state and exit code, then stdout and stderr: whole when they fit maxBytes, else their first and last lines "
        + "with a marker saying how many bytes and lines were omitted and the read_output call that fetches them. "
        + "Pick the node by nodeId, or by labels (any online node that has all of them). "
        + "If the command is still running when waitSeconds pass, the answer is an error naming the task id: it goes on running; use wait_task, read_output or cancel_task.")]
    public async Task<CallToolResult> RunCommandAsync(
        RequestContext<CallToolRequestParams> request,
        [Description("The shell command, run with bash -c on the node.")] string command,
        [Description("The node to run on (list_nodes shows yours). Give this or labels.")] string? nodeId = null,
        [Description("Run on any online node with all these labels, e.g. {\"gpu\":\"a100\"}. Give this or nodeId.")] Dictionary<string, string>? labels = null,
        [Description("Working directory on the node (default: the agent's).")] string? workingDirectory = null,
        [Description("Extra environment variables for the command.")] Dictionary<string, string>? environment = null,
        [Description("How long to wait for the command to finish, 0 to 300 seconds (default 60).")] double? waitSeconds = null,
        [Description("Kill the command after this many seconds (default: no limit).")] double? timeoutSeconds = null,
        [Description("Most bytes of text in the answer, 2048 to the server's maximum (default 16384).")] int? maxBytes = null,
        CancellationToken cancellationToken = default)
    {
        var caller = ToolContext.Caller(request);
        var budget = tools.Budget(maxBytes);
        var wait = ToolContext.WaitTime(waitSeconds, DefaultWaitSeconds);
        var task = await StartAsync(caller, command, nodeId, labels, workingDirectory, environment, timeoutSeconds, queueIfOffline: false);
        return await AnswerAsync(await waiter.WaitAsync(task.TaskId, wait, cancellationToken), wait, budget, cancellationToken);
    }

    [McpServerTool(Name = "start_command", Destructive = true, OpenWorld = true)]
    [Description("Starts a shell command (bash -c) on one of your nodes and returns its task id at once, without waiting. "
        + "Follow it with get_task, read_output, wait_task or cancel_task, or read the resource cortexhub://tasks/{taskId}/stdout.")]
    public async Task<string> StartCommandAsync(
        RequestContext<CallToolRequestParams> request,
        [Description("The shell command, run with bash -c on the node.")] string command,
        [Description("The node to run on (list_nodes shows yours). Give this or labels.")] string? nodeId = null,
        [Description("Run on any online node with all these labels. Give this or nodeId.")] Dictionary<string, string>? labels = null,
        [Description("Working directory on the node (default: the agent's).")] string? workingDirectory = null,
        [Description("Extra environment variables for the command.")] Dictionary<string, string>? environment = null,
        [Description("Kill the command after this many seconds (default: no limit).")] double? timeoutSeconds = null,
        [Description("With nodeId: queue the command when the node is offline; it runs when the node reconnects (default false: an offline node is an error).")] bool queueIfOffline = false)
    {
        var caller = ToolContext.Caller(request);
        var task = await StartAsync(caller, command, nodeId, labels, workingDirectory, environment, timeoutSeconds, queueIfOffline);
        return $"Started task {task.TaskId} on node {task.Spec!.NodeId} ({task.State.ToString().ToLowerInvariant()}).";
    }

    [McpServerTool(Name = "get_task", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Shows a task now: state, exit code, progress, its thought log, and stdout/stderr cut to maxBytes (head and tail with an omission marker when longer).")]
    public async Task<string> GetTaskAsync(
        RequestContext<CallToolRequestParams> request,
        [Description("The task id.")] string taskId,
        [Description("Most bytes of text in the answer (default 16384).")] int? maxBytes = null,
        CancellationToken cancellationToken = default)
    {
        var caller = ToolContext.Caller(request);
        var budget = tools.Budget(maxBytes);
        var task = await tools.TaskAsync(caller, taskId);
        return await TaskAnswer.RenderAsync(tools.Grains.GetGrain<ITaskGrain>(taskId), task, budget, withJournal: true, cancellationToken);
    }

    [McpServerTool(Name = "read_output", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Reads part of a task's stored stdout or stderr: by byte offset (offset, length) or by line (fromLine counting from 1, lineCount). "
        + "Plain text (ANSI escape sequences removed) by default, or raw. Byte offsets of plain and raw differ; the omission markers of other answers give plain offsets. "
        + "An answer longer than maxBytes ends with the offset to continue from.")]
    public async Task<string> ReadOutputAsync(
        RequestContext<CallToolRequestParams> request,
        [Description("The task id.")] string taskId,
        [Description("stdout (default) or stderr.")] string stream = "stdout",
        [Description("plain (default) or raw.")] string format = "plain",
        [Description("First byte to return, from 0. Use this or fromLine.")] long? offset = null,
        [Description("Bytes to return from offset (default: up to maxBytes).")] long? length = null,
        [Description("First line to return, from 1. Use this or offset.")] long? fromLine = null,
        [Description("Lines to return from fromLine (default: up to maxBytes).")] long? lineCount = null,
        [Description("Most bytes of text in the answer (default 16384).")] int? maxBytes = null,
        CancellationToken cancellationToken = default)
    {
        var caller = ToolContext.Caller(request);
        var budget = tools.Budget(maxBytes);
        var kind = stream switch
        {
            "stdout" => OutputStreamKind.Stdout,
            "stderr" => OutputStreamKind.Stderr,
            _ => throw new McpException($"stream must be stdout or stderr (got '{stream}')."),
        };
        if (format is not ("plain" or "raw"))
        {
            throw new McpException($"format must be plain or raw (got '{format}').");
        }

        if ((offset is not null || length is not null) && (fromLine is not null || lineCount is not null))
        {
            throw new McpException("Give a byte range (offset, length) or a line range (fromLine, lineCount), not both.");
        }

        if (offset < 0 || length < 1 || fromLine < 1 || lineCount < 1)
        {
            throw new McpException("offset must be 0 or more; length, fromLine and lineCount 1 or more.");
        }

        await tools.TaskAsync(caller, taskId);
        return await OutputRange.ReadAsync(tools.Grains.GetGrain<ITaskGrain>(taskId), taskId, kind, format == "plain",
            new OutputRange.Request(offset, length, fromLine, lineCount), budget, cancellationToken);
    }

    [McpServerTool(Name = "wait_task", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Waits up to waitSeconds for a task to finish and answers as run_command does (state, exit code, stdout and stderr cut to maxBytes). "
        + "If it is still running then, the answer is an error saying so; the task goes on.")]
    public async Task<CallToolResult> WaitTaskAsync(
        RequestContext<CallToolRequestParams> request,
        [Description("The task id.")] string taskId,
        [Description("How long to wait, 0 to 300 seconds (default 60).")] double? waitSeconds = null,
        [Description("Most bytes of text in the answer (default 16384).")] int? maxBytes = null,
        CancellationToken cancellationToken = default)
    {
        var caller = ToolContext.Caller(request);
        var budget = tools.Budget(maxBytes);
        var wait = ToolContext.WaitTime(waitSeconds, DefaultWaitSeconds);
        await tools.TaskAsync(caller, taskId);
        return await AnswerAsync(await waiter.WaitAsync(taskId, wait, cancellationToken), wait, budget, cancellationToken);
    }

    [McpServerTool(Name = "cancel_task", Destructive = true, Idempotent = true, OpenWorld = false)]
    [Description("Asks the task's node to stop the task (its whole process tree). Answers at once; wait_task confirms when it ended. Cancelling a finished task changes nothing.")]
    public async Task<string> CancelTaskAsync(
        RequestContext<CallToolRequestParams> request,
        [Description("The task id.")] string taskId,
        [Description("Why, kept in the task's journal (optional).")] string? reason = null)
    {
        var caller = ToolContext.Caller(request);
        var bounds = new InvalidRequestException.Builder().CheckLength(reason, tools.Limits.MaxReasonLength, "reason");
        if (bounds.Errors.Count > 0)
        {
            throw ToolContext.Invalid(bounds.Errors);
        }

        var task = await tools.TaskAsync(caller, taskId);
        if (task.IsFinished)
        {
            return $"Task {taskId} had already finished: {TaskAnswer.Status(task)}";
        }

        await tools.Grains.GetGrain<ITaskGrain>(taskId).CancelAsync(reason ?? $"cancelled by {caller.UserId} through MCP");
        return $"Cancel sent to task {taskId}; wait_task confirms when it has stopped.";
    }

    [McpServerTool(Name = "add_thought", Destructive = false, OpenWorld = false)]
    [Description("Adds a note to a task's thought log (why you ran it, what you concluded); get_task shows the log. Keep a thought to a line or a paragraph.")]
    public async Task<string> AddThoughtAsync(
        RequestContext<CallToolRequestParams> request,
        [Description("The task id.")] string taskId,
        [Description("The thought.")] string text)
    {
        var caller = ToolContext.Caller(request);
        await tools.TaskAsync(caller, taskId);
        try
        {
            await tools.Grains.GetGrain<ITaskGrain>(taskId).AddThoughtAsync(text);
        }
        catch (InvalidRequestException invalid)
        {
            throw ToolContext.Invalid(invalid.Errors);
        }

        return $"Thought added to task {taskId}.";
    }

    private async Task<TaskSnapshot> StartAsync(
        ApiCaller caller, string command, string? nodeId, Dictionary<string, string>? labels, string? workingDirectory,
        Dictionary<string, string>? environment, double? timeoutSeconds, bool queueIfOffline)
    {
        var node = await picker.PickAsync(caller, nodeId, labels, queueIfOffline);
        var outcome = await TaskLauncher.LaunchAsync(tools.Grains, caller,
            new TasksApi.DispatchRequest(null, node, command, workingDirectory, environment, timeoutSeconds, null, null), tools.Limits);
        return outcome.Task ?? throw (outcome.Errors is { } errors ? ToolContext.Invalid(errors) : new McpException(outcome.Conflict!));
    }

    /// <summary>The task as run_command and wait_task answer it: an error, led by what happened, when it is still running.</summary>
    private async Task<CallToolResult> AnswerAsync(TaskSnapshot task, TimeSpan waited, int budget, CancellationToken cancellationToken)
    {
        var timeout = task.IsFinished
            ? ""
            : string.Create(CultureInfo.InvariantCulture, $"Timeout: task {task.TaskId} did not finish within {waited.TotalSeconds:0.###} s and is still {task.State.ToString().ToLowerInvariant()}. ")
                + "It goes on running: wait_task waits longer, read_output reads its output, cancel_task stops it.\n";
        var answer = await TaskAnswer.RenderAsync(tools.Grains.GetGrain<ITaskGrain>(task.TaskId), task,
            budget - System.Text.Encoding.UTF8.GetByteCount(timeout), withJournal: false, cancellationToken);
        return new CallToolResult { IsError = !task.IsFinished, Content = [new TextContentBlock { Text = timeout + answer }] };
    }
}
