using System.CommandLine;
using CortexHub.Cli.Output;

namespace CortexHub.Cli.Commands;

/// <summary><c>cortex session close SESSION</c>: ends a session (its program and everything it started are killed).</summary>
public static class SessionCommand
{
    public static Command Create(GlobalOptions global, CliContext context)
    {
        var session = new Argument<string>("session") { Description = "The session's id, or a prefix of it that names one session." };
        var close = new Command("close", "End a session: its node kills the program and everything it started.") { session };
        close.WithAction(global, context, async (invocation, cancellationToken) =>
        {
            using var client = invocation.Connect();
            var sessionId = await TaskIds.ResolveAsync(client, invocation.Value(session)!, cancellationToken).ConfigureAwait(false);
            var closed = await client.CloseSessionAsync(sessionId, cancellationToken).ConfigureAwait(false);
            if (invocation.Json)
            {
                JsonOutput.Write(invocation.Out, closed.Json);
                return ExitCodes.Ok;
            }

            invocation.Out.WriteLine($"Closing session {sessionId} on node {closed.Value.NodeId}");
            return ExitCodes.Ok;
        });
        return new Command("session", "Act on one interactive session.") { close };
    }
}
