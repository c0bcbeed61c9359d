using System.ComponentModel;
using System.Globalization;
using System.Text;
using CortexHub.Grains.Nodes;
using CortexHub.Grains.Pool;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace CortexHub.Api.Mcp;

/// <summary>The work pool tools: submit_work and pool_status.</summary>
[McpServerToolType]
internal sealed class PoolTools(WorkPool pool, NodeRegistry registry)
{
    [McpServerTool(Name = "submit_work", Destructive = true, OpenWorld = true)]
    [Description("Queues a shell command in the work pool: the first free node of yours with the required labels claims and runs it, "
        + "retrying on another node if one fails (up to maxAttempts). Answers the item id; pool_status with that id shows its state and task id.")]
    public async Task<string> SubmitWorkAsync(
        RequestContext<CallToolRequestParams> request,
        [Description("The shell command, run with bash -c on the node that claims it.")] string command,
        [Description("Only nodes with all these labels may claim it.")] Dictionary<string, string>? requiredLabels = null,
        [Description("Higher runs first (default 0).")] int? priority = null,
        [Description("Working directory on the node.")] string? workingDirectory = null,
        [Description("Extra environment variables.")] Dictionary<string, string>? environment = null,
        [Description("Kill the command after this many seconds.")] double? timeoutSeconds = null,
        [Description("A repeat submit with the same key returns the first item instead of queueing again.")] string? idempotencyKey = null,
        [Description("How many times to try before the item becomes a dead letter.")] int? maxAttempts = null)
    {
        var caller = ToolContext.Caller(request);
        var (result, errors) = await PoolApi.SubmitForAsync(pool, caller,
            new PoolApi.SubmitRequest(command, workingDirectory, environment, timeoutSeconds, priority, requiredLabels, idempotencyKey, maxAttempts, null, null));
        if (errors is not null)
        {
            throw ToolContext.Invalid(errors);
        }

        return result!.Created
            ? $"Queued pool item {result.Item.ItemId} (priority {result.Item.Priority}). pool_status {{\"itemId\":\"{result.Item.ItemId}\"}} shows its progress."
            : $"Pool item {result.Item.ItemId} was already submitted with this idempotency key: {Describe(result.Item)}";
    }

    [McpServerTool(Name = "pool_status", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Without itemId: the work pool's counts per state, waiting items per priority and items in flight on your nodes. "
        + "With itemId: that item's state, attempts, task id (read its output with get_task or read_output) and last error.")]
    public async Task<string> PoolStatusAsync(
        RequestContext<CallToolRequestParams> request,
        [Description("A pool item id from submit_work (optional).")] string? itemId = null,
        CancellationToken cancellationToken = default)
    {
        var caller = ToolContext.Caller(request);
        if (itemId is not null)
        {
            var item = await PoolApi.FindAsync(pool, caller, itemId)
                ?? throw new McpException($"Unknown pool item '{itemId}': no item with that id is yours. submit_work returns item ids.");
            return Describe(item);
        }

        var stats = await PoolApi.StatsForAsync(caller, pool, registry, cancellationToken);
        var text = new StringBuilder("work pool:\n");
        text.Append("items by state: ").Append(string.Join(", ", stats.Counts.Select(c => $"{c.Key.ToString().ToLowerInvariant()} {c.Value}"))).Append('\n');
        text.Append("waiting by priority: ").Append(stats.DepthByPriority.Count == 0 ? "none" : string.Join(", ", stats.DepthByPriority.Select(d => $"{d.Key}: {d.Value}"))).Append('\n');
        text.Append("in flight on your nodes: ").Append(stats.InFlightByNode.Count == 0 ? "none" : string.Join(", ", stats.InFlightByNode.Select(n => $"{n.Key}: {n.Value}"))).Append('\n');
        if (stats.OldestAvailableAge is { } age)
        {
            text.Append(CultureInfo.InvariantCulture, $"oldest waiting item: {age.TotalSeconds:0} s\n");
        }

        return text.ToString();
    }

    private static string Describe(PoolItem item)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"pool item {item.ItemId}: {item.State.ToString().ToLowerInvariant()}, attempt {item.Attempts} of {item.MaxAttempts}, priority {item.Priority}");
        if (item.ClaimedBy is not null)
        {
            text.Append(", node ").Append(item.ClaimedBy);
        }

        if (item.TaskId is not null)
        {
            text.Append(", task ").Append(item.TaskId);
        }

        if (item.ExitCode is { } code)
        {
            text.Append(CultureInfo.InvariantCulture, $", exit code {code}");
        }

        if (item.LastError is { Length: > 0 } error)
        {
            text.Append(", last error: ").Append(error.Length > 300 ? error[..300] + "…" : error);
        }

        return text.ToString();
    }
}
