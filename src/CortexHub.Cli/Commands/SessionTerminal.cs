using CortexHub.Cli.Api;
using CortexHub.Cli.Api.Models;
using CortexHub.Cli.Output;
using CortexHub.Cli.Sessions;

namespace CortexHub.Cli.Commands;

/// <summary>What <c>exec -t</c> and <c>attach</c> share: the local terminal in raw mode, attached to a session to its end.</summary>
internal static class SessionTerminal
{
    /// <summary>Opens a session of the local window's size on <paramref name="nodeId"/> and attaches to it from its first byte.</summary>
    public static async Task<int> OpenAndAttachAsync(CommandInvocation invocation, string nodeId, string? command, bool forwardInput, CancellationToken cancellationToken)
    {
        using var client = invocation.Connect();
        var size = LocalTerminal(invocation).Size ?? TerminalSize.Default;
        // The local TERM, as ssh passes it: the program then speaks what this terminal understands.
        var request = new OpenSessionRequest(nodeId, command, size.Columns, size.Rows, invocation.Context.Variable("TERM"));
        var opened = await client.OpenSessionAsync(request, cancellationToken).ConfigureAwait(false);
        return await AttachAsync(invocation, client, opened.Value.Id, after: 0, forwardInput, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Attaches until the session ends and returns its exit code (as <c>run</c>'s: the program's, 124 timed out, 130
    /// cancelled). The terminal is raw only while attached with input, and restored however this ends.
    /// </summary>
    public static async Task<int> AttachAsync(CommandInvocation invocation, HubClient client, string sessionId, long? after, bool forwardInput, CancellationToken cancellationToken)
    {
        var terminal = LocalTerminal(invocation);
        SessionEnd end;
        using (forwardInput && terminal.IsTerminal ? terminal.EnterRawMode() : null)
        {
            var attachment = new SessionAttachment(client, sessionId, terminal, invocation.Context.Time);
            // Piped input ends with Ctrl-D, as a person at the terminal would end it.
            end = await attachment.RunAsync(after, forwardInput, endWithEot: !terminal.IsTerminal, cancellationToken).ConfigureAwait(false);
        }

        var taskEnd = new TaskEnd(sessionId, end.State, end.ExitCode);
        if (end.State is not ("succeeded" or "failed"))
        {
            var what = end.State switch
            {
                "timedOut" => "timed out",
                "cancelled" => "was closed",
                "lost" => "was lost (its node went away)",
                _ => "ended (" + end.State + ")",
            };
            await invocation.Error.WriteLineAsync($"cortex: session {sessionId} {what}").ConfigureAwait(false);
        }

        return TaskExitCode.For(taskEnd);
    }

    private static ILocalTerminal LocalTerminal(CommandInvocation invocation) =>
        invocation.Context.Terminal ?? new StreamTerminal(invocation.Context.Input, new TextWriterStream(invocation.Out), invocation.Error);
}
