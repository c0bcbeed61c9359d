using System.CommandLine;
using CortexHub.Cli.Output;

namespace CortexHub.Cli.Commands;

/// <summary>
/// <c>cortex node token rotate NODE</c> (a new token, printed once; the old one stops working) and
/// <c>cortex node token revoke NODE</c> (no token: the node cannot connect until the next rotate).
/// </summary>
public static class NodeTokenCommand
{
    public static Command Create(GlobalOptions global, CliContext context) =>
        new("token", "Replace or remove a node's token.")
        {
            Rotate(global, context),
            Revoke(global, context),
        };

    private static Command Rotate(GlobalOptions global, CliContext context)
    {
        var node = NodeArgument();
        var command = new Command("rotate", "Give the node a new token (printed this once); the old token stops working.") { node };
        return command.WithAction(global, context, async (invocation, cancellationToken) =>
        {
            using var client = invocation.Connect();
            var rotated = await client.RotateNodeTokenAsync(invocation.Value(node)!, cancellationToken).ConfigureAwait(false);
            if (invocation.Json)
            {
                JsonOutput.Write(invocation.Out, rotated.Json);
                return ExitCodes.Ok;
            }

            invocation.Out.WriteLine($"New token for node {rotated.Value.NodeId} (shown this once; the old one no longer works):");
            invocation.Out.WriteLine($"  {rotated.Value.Token}");
            invocation.Out.WriteLine("A node connected with the old token is disconnected; start its agent with this one (CORTEX_AGENT_TOKEN or --token).");
            return ExitCodes.Ok;
        });
    }

    private static Command Revoke(GlobalOptions global, CliContext context)
    {
        var node = NodeArgument();
        var command = new Command("revoke", "Remove the node's token: it cannot connect until its token is rotated.") { node };
        return command.WithAction(global, context, async (invocation, cancellationToken) =>
        {
            using var client = invocation.Connect();
            var nodeId = invocation.Value(node)!;
            await client.RevokeNodeTokenAsync(nodeId, cancellationToken).ConfigureAwait(false);
            if (invocation.Json)
            {
                JsonOutput.Write(invocation.Out, new { nodeId, revoked = true });
                return ExitCodes.Ok;
            }

            invocation.Out.WriteLine($"Token of node {nodeId} revoked: the node is disconnected and cannot connect until cortex node token rotate {ShellQuote.Quote(nodeId)} issues a new one.");
            return ExitCodes.Ok;
        });
    }

    private static Argument<string> NodeArgument() => new("node") { Description = "The node's id." };
}
