using System.CommandLine;
using CortexHub.Cli.Api.Models;
using CortexHub.Cli.Sessions;

namespace CortexHub.Cli.Commands;

/// <summary>
/// <c>cortex exec [-i] [-t] NODE [-- cmd args…]</c>: with <c>-t</c> and stdin a terminal, opens a session (the command,
/// or the login shell, on a terminal of the local window's size) and attaches this terminal to it in raw mode;
/// otherwise runs the command as a task with stdin (<c>-i</c>) as <c>run</c> does. Exits with the program's code.
/// </summary>
public static class ExecCommand
{
    public static Command Create(GlobalOptions global, CliContext context)
    {
        var interactive = new Option<bool>("--interactive", "-i") { Description = "Send what you type (or pipe in) to the program." };
        var tty = new Option<bool>("--tty", "-t") { Description = "Run the program on a terminal (a session): full-screen programs, line editing, colours, Ctrl-C sent to it." };
        var node = new Argument<string>("node") { Description = "The node to run on." };
        var commandArgs = new Argument<string[]>("command")
        {
            Description = "The command and its arguments, each passed through as one word (put -- before them); none with -t: your login shell.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("exec", "Run a program on a node interactively (-it: on a terminal, as ssh -t does); exits with its exit code.")
        {
            interactive, tty, node, commandArgs,
        };
        return command.WithAction(global, context, async (invocation, cancellationToken) =>
        {
            var words = invocation.Value(commandArgs) ?? [];
            var nodeId = invocation.Value(node)!;
            // As docker exec: a terminal session needs one here; piped input goes to a plain task's stdin instead.
            if (!invocation.Value(tty) || invocation.Context.Terminal is not { IsTerminal: true })
            {
                if (words.Length == 0)
                {
                    throw CliException.Usage("a command is required without a terminal (with -t and stdin a terminal, none opens your login shell).");
                }

                var request = new DispatchRequest(null, nodeId, ShellQuote.Join(words), null, invocation.Value(interactive) ? true : null);
                return await RunCommand.DispatchAndFollowAsync(invocation, request, plain: false, quiet: true, cancellationToken).ConfigureAwait(false);
            }

            return await SessionTerminal.OpenAndAttachAsync(invocation, nodeId, words.Length == 0 ? null : ShellQuote.Join(words),
                invocation.Value(interactive), cancellationToken).ConfigureAwait(false);
        });
    }
}
