using System.CommandLine;

namespace CortexHub.Cli.Commands;

/// <summary>Binds a command to its action, giving the action a <see cref="CommandInvocation"/>.</summary>
public static class CommandActions
{
    public static Command WithAction(this Command command, GlobalOptions global, CliContext context, Func<CommandInvocation, CancellationToken, Task<int>> action)
    {
        command.SetAction((parseResult, cancellationToken) => action(new CommandInvocation(parseResult, global, context), cancellationToken));
        return command;
    }
}
