using System.CommandLine;
using CortexHub.Cli.Output;

namespace CortexHub.Cli.Commands;

/// <summary><c>cortex terminal NODE</c>: a node's terminal, the screen of your most recent session on it, as text.</summary>
public static class TerminalCommand
{
    public static Command Create(GlobalOptions global, CliContext context)
    {
        var node = new Argument<string>("node") { Description = "The node's id." };
        var command = new Command("terminal", "Print a node's terminal: the screen of your most recent session on it.") { node };
        return command.WithAction(global, context, async (invocation, cancellationToken) =>
        {
            using var client = invocation.Connect();
            if (invocation.Json)
            {
                JsonOutput.Write(invocation.Out, (await client.GetTerminalAsync(invocation.Value(node)!, cancellationToken).ConfigureAwait(false)).Json);
                return ExitCodes.Ok;
            }

            var text = await client.GetTerminalTextAsync(invocation.Value(node)!, cancellationToken).ConfigureAwait(false);
            invocation.Out.Write(text.EndsWith('\n') || text.Length == 0 ? text : text + "\n");
            return ExitCodes.Ok;
        });
    }
}
