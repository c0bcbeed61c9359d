using System.Globalization;
using CortexHub.Grains.Limits;
using CortexHub.Grains;
using CortexHub.Grains.Nodes;
using CortexHub.Grains.Tasks;
using ModelContextProtocol;

namespace CortexHub.Api.Mcp;

/// <summary>
/// Chooses the node a command runs on: the one named (which must be the caller's, and online unless
/// queueing is asked for), or the caller's online node with all the given labels that runs the
/// fewest tasks. Every failure is a tool error saying what to do instead.
/// </summary>
internal sealed class NodePicker(ToolContext tools, TaskDirectory directory)
{
    private const int RecentTasks = 1000;

    public async Task<string> PickAsync(ApiCaller caller, string? nodeId, IReadOnlyDictionary<string, string>? labels, bool queueIfOffline)
    {
        if (string.IsNullOrWhiteSpace(nodeId) == (labels is null or { Count: 0 }))
        {
            throw new McpException("Give either nodeId or labels (list_nodes shows your nodes and their labels).");
        }

        if (!string.IsNullOrWhiteSpace(nodeId))
        {
            var node = await tools.NodeAsync(caller, nodeId);
            var live = (await tools.Registry.ListAsync(node.Owner)).FirstOrDefault(n => n.NodeId == nodeId);
            if (live?.Status != NodeStatus.Online && !queueIfOffline)
            {
                var seen = live?.LastSeenAt is { } at ? string.Create(CultureInfo.InvariantCulture, $" (last seen {at:u})") : "";
                throw new McpException($"Node '{nodeId}' is {(live?.Status ?? NodeStatus.Offline).ToString().ToLowerInvariant()}{seen}: it cannot run the command now. "
                    + "Pick an online node from list_nodes (start_command with queueIfOffline=true queues it until the node reconnects).");
            }

            return nodeId;
        }

        var bounds = new InvalidRequestException.Builder().CheckLabels(tools.Limits, labels, "labels");
        if (bounds.Errors.Count > 0)
        {
            throw ToolContext.Invalid(bounds.Errors);
        }

        var candidates = (await tools.Registry.ListAsync(caller.OwnerFilter))
            .Where(n => n.Status == NodeStatus.Online && labels!.All(l => n.Labels.TryGetValue(l.Key, out var value) && value == l.Value))
            .ToList();
        if (candidates.Count == 0)
        {
            throw new McpException($"No online node of yours has the labels {string.Join(",", labels!.Select(l => $"{l.Key}={l.Value}"))}. list_nodes shows your nodes and their labels.");
        }

        var running = (await directory.ListAsync(caller.OwnerFilter, RecentTasks))
            .Where(t => !t.IsFinished && t.Spec is not null)
            .CountBy(t => t.Spec!.NodeId)
            .ToDictionary(StringComparer.Ordinal);
        return candidates.OrderBy(n => running.GetValueOrDefault(n.NodeId)).ThenBy(n => n.NodeId, StringComparer.Ordinal).First().NodeId;
    }
}
