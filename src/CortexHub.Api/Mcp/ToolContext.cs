using CortexHub.Grains.Limits;
using CortexHub.Grains.Nodes;
using CortexHub.Grains.Tasks;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace CortexHub.Api.Mcp;

/// <summary>
/// What every tool needs: the caller (scoping everything to the key's user, as the HTTP API does),
/// lookups that treat another user's node or task as unknown, and the answer budget. Failures are
/// thrown as <see cref="McpException"/>, which the SDK answers as a tool error with this text.
/// </summary>
internal sealed class ToolContext(Orleans.IGrainFactory grains, NodeRegistry registry, IOptions<McpOptions> options, IOptions<InputLimits> limits)
{
    public Orleans.IGrainFactory Grains => grains;

    public NodeRegistry Registry => registry;

    public InputLimits Limits => limits.Value;

    public McpOptions Options => options.Value;

    public static ApiCaller Caller(RequestContext<CallToolRequestParams> request) => McpCaller.From(request.User);

    /// <summary>The budget a call asked for, or the default; outside the allowed range it is a tool error.</summary>
    public int Budget(int? maxBytes)
    {
        if (maxBytes is { } asked && (asked < McpOptions.MinAnswerBytes || asked > Options.MaxAnswerBytes))
        {
            throw new McpException($"maxBytes must be between {McpOptions.MinAnswerBytes} and {Options.MaxAnswerBytes} (got {asked}).");
        }

        return maxBytes ?? Options.AnswerBytes;
    }

    /// <summary>The longest a tool call waits: as the HTTP API's wait.</summary>
    public const double MaxWaitSeconds = 300;

    /// <summary>A waitSeconds argument (0 to <see cref="MaxWaitSeconds"/>, <paramref name="defaultSeconds"/> when absent); outside that it is a tool error.</summary>
    public static TimeSpan WaitTime(double? seconds, double defaultSeconds) =>
        seconds is null or (>= 0 and <= MaxWaitSeconds) // NaN fails both bounds
            ? TimeSpan.FromSeconds(seconds ?? defaultSeconds)
            : throw new McpException($"waitSeconds must be between 0 and {MaxWaitSeconds} (got {seconds}).");

    public async Task<TaskSnapshot> TaskAsync(ApiCaller caller, string taskId) =>
        await TasksApi.FindAsync(grains, caller, taskId)
            ?? throw new McpException($"Unknown task '{taskId}': no task with that id is yours. start_command and run_command return task ids.");

    public async Task<NodeSnapshot> NodeAsync(ApiCaller caller, string nodeId) =>
        await NodesApi.FindAsync(grains, caller, nodeId) ?? throw UnknownNode(nodeId);

    public static McpException UnknownNode(string nodeId) =>
        new($"Unknown node '{nodeId}': no node with that id is yours. list_nodes lists yours.");

    /// <summary>Field errors of a request, as one line a model can act on.</summary>
    public static McpException Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        new("Invalid input: " + string.Join(" ", errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"))));
}
