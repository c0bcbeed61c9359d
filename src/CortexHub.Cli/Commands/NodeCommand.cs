using System.CommandLine;

namespace CortexHub.Cli.Commands;

/// <summary><c>cortex node …</c>: acting on one node (<c>provision</c>, <c>token rotate|revoke</c>).</summary>
public static class NodeCommand
{
    public static Command Create(GlobalOptions global, CliContext context) =>
        new("node", "Manage one node.")
        {
            NodeProvisionCommand.Create(global, context),
            NodeTokenCommand.Create(global, context),
        };
}
