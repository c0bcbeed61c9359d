using System.CommandLine;

namespace CortexHub.Cli.Commands;

/// <summary>
/// <c>cortex attach SESSION</c>: this terminal on a running session, from its current screen; exits with the program's
/// code when it ends. Ending cortex (closing the window, a signal) only detaches: the session keeps running.
/// </summary>
public static class AttachCommand
{
    public static Command Create(GlobalOptions global, CliContext context)
    {
        var session = new Argument<string>("session") { Description = "The session's id, or a prefix of it that names one session." };
        var command = new Command("attach", "Attach this terminal to a running session (see cortex sessions).") { session };
        return command.WithAction(global, context, async (invocation, cancellationToken) =>
        {
            using var client = invocation.Connect();
            var sessionId = await TaskIds.ResolveAsync(client, invocation.Value(session)!, cancellationToken).ConfigureAwait(false);
            return await SessionTerminal.AttachAsync(invocation, client, sessionId, after: null, forwardInput: true, cancellationToken).ConfigureAwait(false);
        });
    }
}
