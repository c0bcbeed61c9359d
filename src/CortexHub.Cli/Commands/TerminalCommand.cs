using System.CommandLine;
using CortexHub.Cli.Output;

namespace CortexHub.Cli.Commands;

/// <summary><c>cortex terminal NODE [--plain]</c>: the recent terminal history of a node's tasks, as a terminal would show it.</summary>
public static class TerminalCommand
{
    public static Command Create(GlobalOptions global, CliContext context)
    {
        var node = new Argument<string>("node") { Description = "The node's id." };
        var plain = new Option<bool>("--plain") { Description = "Strip colours and other terminal escape sequences." };
        var command = new Command("terminal", "Print a node's recent terminal output.") { node, plain };
        return command.WithAction(global, context, async (invocation, cancellationToken) =>
        {
            using var client = invocation.Connect();
            if (invocation.Json)
            {
                JsonOutput.Write(invocation.Out, (await client.GetTerminalAsync(invocation.Value(node)!, cancellationToken).ConfigureAwait(false)).Json);
                return ExitCodes.Ok;
            }

            invocation.Out.Write(await client.GetTerminalTextAsync(invocation.Value(node)!, invocation.Value(plain), cancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
    }
}
