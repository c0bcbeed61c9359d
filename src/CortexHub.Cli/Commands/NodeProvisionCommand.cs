using System.CommandLine;
using CortexHub.Cli.Api.Models;
using CortexHub.Cli.Config;
using CortexHub.Cli.Output;

namespace CortexHub.Cli.Commands;

/// <summary>
/// <c>cortex node provision ID [--label k=v …] [--name N] [--script FILE]</c>: registers a node and shows its token,
/// which the hub never shows again; the install script (it holds the token) goes to FILE, mode 600, or to stdout.
/// </summary>
public static class NodeProvisionCommand
{
    public static Command Create(GlobalOptions global, CliContext context)
    {
        var id = new Argument<string>("id") { Description = "The new node's id (1 to 128 characters, no spaces)." };
        var labels = new Option<string[]>("--label")
        {
            Description = "A label, key=value; repeat for more.",
            HelpName = "key=value",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var name = new Option<string>("--name") { Description = "A display name (default: the id).", HelpName = "name" };
        var script = new Option<string>("--script")
        {
            Description = "Write the install script (it holds the token) to this file, mode 600; '-' writes it to stdout and everything else to stderr.",
            HelpName = "file",
        };
        var command = new Command("provision", "Register a new node; prints its token (shown once) and writes its install script.")
        {
            id, labels, name, script,
        };
        return command.WithAction(global, context, async (invocation, cancellationToken) =>
        {
            var scriptPath = invocation.Value(script);
            if (scriptPath == "-" && invocation.Json)
            {
                throw CliException.Usage("--script - and --json both write to stdout; give --script a file name.");
            }

            var parsedLabels = LabelParser.Parse(invocation.Value(labels), "--label");
            using var client = invocation.Connect();
            var result = await client.ProvisionNodeAsync(new ProvisionRequest(invocation.Value(id)!, invocation.Value(name), parsedLabels), cancellationToken)
                .ConfigureAwait(false);
            var provisioned = result.Value;
            if (scriptPath is not null and not "-")
            {
                ConfigStore.WriteSecret(Path.GetDirectoryName(Path.GetFullPath(scriptPath)), scriptPath, provisioned.InstallScript);
            }

            if (invocation.Json)
            {
                JsonOutput.Write(invocation.Out, result.Json);
                return ExitCodes.Ok;
            }

            // With --script - the script owns stdout (for piping into a file or ssh); the rest goes to stderr.
            var info = scriptPath == "-" ? invocation.Error : invocation.Out;
            info.WriteLine($"Provisioned node {provisioned.Node.NodeId}.");
            info.WriteLine($"Token (shown this once): {provisioned.Token}");
            if (scriptPath == "-")
            {
                invocation.Out.Write(provisioned.InstallScript);
                invocation.Out.Flush();
            }
            else if (scriptPath is not null)
            {
                info.WriteLine($"Install script written to {scriptPath} (mode 600: it holds the token). On the node run: bash {ShellQuote.Quote(Path.GetFileName(scriptPath))}");
            }
            else
            {
                info.WriteLine("Start the agent on the node with:");
                info.WriteLine($"  CORTEX_AGENT_TOKEN={ShellQuote.Quote(provisioned.Token)} {provisioned.AgentCommand}");
                info.WriteLine("(or use --script FILE for a script that installs and starts it)");
            }

            return ExitCodes.Ok;
        });
    }
}
