using System.CommandLine;
using System.Globalization;
using CortexHub.Cli.Output;

namespace CortexHub.Cli.Commands;

/// <summary><c>cortex sessions [--node N]</c>: your sessions, newest first: node, state, exit code, size, when opened, command.</summary>
public static class SessionsCommand
{
    public static Command Create(GlobalOptions global, CliContext context)
    {
        var node = new Option<string>("--node", "-n") { Description = "Only the sessions on this node.", HelpName = "id" };
        var command = new Command("sessions", "List your interactive sessions, newest first.") { node };
        return command.WithAction(global, context, async (invocation, cancellationToken) =>
        {
            using var client = invocation.Connect();
            var sessions = await client.ListSessionsAsync(invocation.Value(node), cancellationToken).ConfigureAwait(false);
            if (invocation.Json)
            {
                JsonOutput.Write(invocation.Out, sessions.Json);
                return ExitCodes.Ok;
            }

            if (sessions.Value.Sessions.Count == 0)
            {
                invocation.Error.WriteLine("No sessions; open one with: cortex exec -it NODE");
                return ExitCodes.Ok;
            }

            var table = new TableWriter("id", "node", "state", "exit", "size", "opened", "command");
            foreach (var session in sessions.Value.Sessions)
            {
                table.Add(session.Id, session.NodeId, session.State, session.ExitCode?.ToString(CultureInfo.InvariantCulture),
                    $"{session.Columns}x{session.Rows}", Formats.Time(session.OpenedAt), Formats.Shorten(string.IsNullOrEmpty(session.Command) ? "(login shell)" : session.Command, 48));
            }

            table.Write(invocation.Out);
            return ExitCodes.Ok;
        });
    }
}
