using System.CommandLine;
using CortexHub.Cli.Commands;

namespace CortexHub.Cli;

/// <summary>The command tree of <c>cortex</c>, its actions bound to one <see cref="CliContext"/>.</summary>
public sealed class CortexCommandLine
{
    public CortexCommandLine(CliContext context)
    {
        Global = new GlobalOptions();
        Root = new RootCommand("cortex: run commands on CortexHub nodes and follow their output, manage nodes and the work pool.")
        {
            Global.Hub,
            Global.ApiKey,
            Global.Json,
            Global.Color,
            LoginCommand.Create(Global, context),
            NodesCommand.Create(Global, context),
            NodeCommand.Create(Global, context),
            TerminalCommand.Create(Global, context),
            RunCommand.Create(Global, context),
            ExecCommand.Create(Global, context),
            AttachCommand.Create(Global, context),
            SessionsCommand.Create(Global, context),
            SessionCommand.Create(Global, context),
            TasksCommand.Create(Global, context),
            TaskCommand.Create(Global, context),
            CancelCommand.Create(Global, context),
            LogsCommand.Create(Global, context),
            PoolCommand.Create(Global, context),
        };
    }

    public RootCommand Root { get; }

    public GlobalOptions Global { get; }

    /// <summary>Writes the help of <paramref name="command"/> (a command of this tree) to <paramref name="writer"/>.</summary>
    public void WriteHelp(Command command, TextWriter writer)
    {
        var path = new List<string>();
        for (var symbol = command; symbol is not null && symbol != Root; symbol = symbol.Parents.OfType<Command>().FirstOrDefault())
        {
            path.Insert(0, symbol.Name);
        }

        path.Add("--help");
        Root.Parse(path).Invoke(new InvocationConfiguration { Output = writer, Error = writer });
    }
}
