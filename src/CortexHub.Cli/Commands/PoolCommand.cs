using System.CommandLine;

namespace CortexHub.Cli.Commands;

/// <summary><c>cortex pool …</c>: the work pool (<c>submit</c>, <c>ls</c>, <c>stats</c>).</summary>
public static class PoolCommand
{
    public static Command Create(GlobalOptions global, CliContext context) =>
        new("pool", "The work pool: commands any matching node with free pool slots runs.")
        {
            PoolSubmitCommand.Create(global, context),
            PoolListCommand.Create(global, context),
            PoolStatsCommand.Create(global, context),
        };
}
