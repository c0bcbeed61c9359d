using System.CommandLine;
using CortexHub.Cli.Api;
using CortexHub.Cli.Api.Models;

namespace CortexHub.Cli.Commands;

/// <summary>
/// <c>cortex run --node X [--timeout S] [--id ID] [--stdin] -- cmd args…</c>: dispatches a command, streams its output
/// live (and with <c>--stdin</c> the CLI's stdin to it), exits with its code.
/// </summary>
public static class RunCommand
{
    public static Command Create(GlobalOptions global, CliContext context)
    {
        var node = new Option<string>("--node", "-n") { Description = "The node to run on.", HelpName = "id", Required = true };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds before the node kills the command (exit 124).", HelpName = "seconds" };
        var id = new Option<string>("--id") { Description = "The task's id (default: one the hub makes up); an existing id is a conflict.", HelpName = "id" };
        var plain = new Option<bool>("--plain") { Description = "Print the output as plain text: no colours or escape sequences, each line as a terminal would leave it." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Do not print the task's id on stderr (stderr then carries only the task's stderr and cortex's errors)." };
        var stdin = new Option<bool>("--stdin", "-i") { Description = "Send cortex's stdin to the command's stdin (without it the command reads end-of-file at once)." };
        var commandArgs = new Argument<string[]>("command")
        {
            Description = "The command and its arguments, each passed through as one word (put -- before them).",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("run", "Run a command on a node and stream its output; exits with the command's exit code.")
        {
            node, timeout, id, plain, quiet, stdin, commandArgs,
        };
        return command.WithAction(global, context, async (invocation, cancellationToken) =>
        {
            if (invocation.Value(timeout) is { } seconds && (!double.IsFinite(seconds) || seconds <= 0))
            {
                throw CliException.Usage($"--timeout must be a positive number of seconds; {seconds} is not.");
            }

            var request = new DispatchRequest(invocation.Value(id), invocation.Value(node)!, ShellQuote.Join(invocation.Value(commandArgs)!), invocation.Value(timeout),
                invocation.Value(stdin) ? true : null);
            return await DispatchAndFollowAsync(invocation, request, invocation.Value(plain), invocation.Value(quiet), cancellationToken).ConfigureAwait(false);
        });
    }

    /// <summary>
    /// Dispatches <paramref name="request"/>, streams stdin to it when it asks for stdin, and follows it to its end;
    /// returns its exit code (also what <c>exec</c> without a terminal does).
    /// </summary>
    internal static async Task<int> DispatchAndFollowAsync(CommandInvocation invocation, DispatchRequest request, bool plain, bool quiet, CancellationToken cancellationToken)
    {
        using var client = invocation.Connect();
        var dispatched = await client.DispatchTaskAsync(request, cancellationToken).ConfigureAwait(false);
        var taskId = dispatched.Value.TaskId;
        var printer = new TaskEventPrinter(invocation, plain);
        printer.WriteJsonLine("dispatched", dispatched.Json);
        if (!invocation.Json && !quiet)
        {
            // On stderr, so stdout stays the command's own output for pipes.
            invocation.Error.WriteLine($"cortex: task {taskId} on node {request.NodeId}");
            invocation.Error.Flush();
        }

        using var stopUpload = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (request.Stdin is true)
        {
            // Not awaited: a read of a terminal cannot be cancelled, and the task's end is what ends the command.
            _ = new StdinUploader(client, taskId, invocation.Context.Input, invocation.Error).UploadAsync(stopUpload.Token);
        }

        printer.ShowStatus($"waiting for node {request.NodeId}…");
        var exitCode = await FollowAsync(invocation, client, printer, taskId, cancellationToken).ConfigureAwait(false);
        await stopUpload.CancelAsync().ConfigureAwait(false);
        return exitCode;
    }

    /// <summary>
    /// Follows to the end. The first Ctrl+C cancels the task on the hub and keeps following, so its last output and
    /// its real end are still shown (a second Ctrl+C ends the process).
    /// </summary>
    private static async Task<int> FollowAsync(CommandInvocation invocation, HubClient client, TaskEventPrinter printer, string taskId, CancellationToken cancellationToken)
    {
        var follower = new TaskFollower(client, invocation.Context.Time);
        TaskEnd end;
        try
        {
            end = await follower.FollowAsync(taskId, null, printer.Handle, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            printer.Complete();
            invocation.Error.WriteLine($"cortex: cancelling task {taskId}…");
            try
            {
                await client.CancelTaskAsync(taskId, "cancelled with Ctrl+C in cortex run", CancellationToken.None).ConfigureAwait(false);
            }
            catch (HubApiException ex) when (ex.Status == 409)
            {
                // It finished meanwhile; its end is what follows.
            }

            end = await follower.FollowAsync(taskId, follower.LastSequence, printer.Handle, CancellationToken.None).ConfigureAwait(false);
        }

        printer.Complete();
        ReportEnd(invocation, taskId, end, printer.Result);
        return TaskExitCode.For(end);
    }

    /// <summary>
    /// One stderr line when the task did not simply exit (timed out, cancelled, lost, failed to start); an exit code
    /// speaks for itself, as with ssh.
    /// </summary>
    internal static void ReportEnd(CommandInvocation invocation, string taskId, TaskEnd end, ResultEvent? result)
    {
        if (invocation.Json || end.State is "succeeded" || (end.State is "failed" && end.ExitCode is not null && result?.Error is null))
        {
            return;
        }

        var what = end.State switch
        {
            "timedOut" => "timed out",
            "cancelled" => "was cancelled",
            "lost" => "was lost (its node went away)",
            _ => "failed",
        };
        invocation.Error.WriteLine($"cortex: task {taskId} {what}{(result?.Error is { Length: > 0 } error ? ": " + error : "")}");
    }
}
