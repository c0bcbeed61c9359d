using System.CommandLine;
using CortexHub.Cli.Output;

namespace CortexHub.Cli.Commands;

/// <summary><c>cortex nodes</c>: your nodes with their live status, labels, agent version and last heartbeat.</summary>
public static class NodesCommand
{
    public static Command Create(GlobalOptions global, CliContext context)
    {
        var command = new Command("nodes", "List nodes (yours; an admin sees all).");
        return command.WithAction(global, context, async (invocation, cancellationToken) =>
        {
            using var client = invocation.Connect();
            var nodes = await client.ListNodesAsync(cancellationToken).ConfigureAwait(false);
            if (invocation.Json)
            {
                JsonOutput.Write(invocation.Out, nodes.Json);
                return ExitCodes.Ok;
            }

            if (nodes.Value.Count == 0)
            {
                invocation.Error.WriteLine("No nodes yet; add one with: cortex node provision ID");
                return ExitCodes.Ok;
            }

            var now = context.Time.GetUtcNow();
            var table = new TableWriter("id", "status", "labels", "agent", "last seen");
            foreach (var node in nodes.Value.OrderBy(n => n.NodeId, StringComparer.Ordinal))
            {
                table.Add(node.NodeId, node.Status, Formats.Labels(node.Labels), string.IsNullOrEmpty(node.AgentVersion) ? "-" : node.AgentVersion, Formats.Age(node.LastSeenAt, now));
            }

            table.Write(invocation.Out);
            return ExitCodes.Ok;
        });
    }
}
