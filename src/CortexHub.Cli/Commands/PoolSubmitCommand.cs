using System.CommandLine;
using CortexHub.Cli.Api.Models;
using CortexHub.Cli.Output;

namespace CortexHub.Cli.Commands;

/// <summary><c>cortex pool submit [--priority P] [--label k=v] [--key K] [--max-attempts N] -- cmd…</c>: queues a command for any matching node.</summary>
public static class PoolSubmitCommand
{
    public static Command Create(GlobalOptions global, CliContext context)
    {
        var priority = new Option<int?>("--priority") { Description = "Higher runs first (default 0).", HelpName = "p" };
        var labels = new Option<string[]>("--label")
        {
            Description = "A label the node must have, key=value; repeat for more.",
            HelpName = "key=value",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var key = new Option<string>("--key")
        {
            Description = "An idempotency key: submitting the same key again returns the first item instead of a new one.",
            HelpName = "key",
        };
        var maxAttempts = new Option<int?>("--max-attempts") { Description = "Runs before the item becomes a dead letter.", HelpName = "n" };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds each run may take.", HelpName = "seconds" };
        var commandArgs = new Argument<string[]>("command")
        {
            Description = "The command and its arguments, each passed through as one word (put -- before them).",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("submit", "Queue a command in the work pool.") { priority, labels, key, maxAttempts, timeout, commandArgs };
        return command.WithAction(global, context, async (invocation, cancellationToken) =>
        {
            var request = new PoolSubmitRequest(ShellQuote.Join(invocation.Value(commandArgs)!), invocation.Value(priority),
                LabelParser.Parse(invocation.Value(labels), "--label"), invocation.Value(key), invocation.Value(maxAttempts), invocation.Value(timeout));
            using var client = invocation.Connect();
            var result = await client.SubmitPoolItemAsync(request, cancellationToken).ConfigureAwait(false);
            if (invocation.Json)
            {
                JsonOutput.Write(invocation.Out, result.Json);
                return ExitCodes.Ok;
            }

            var item = result.Value;
            invocation.Out.WriteLine(result.Status == 201
                ? $"Submitted {item.ItemId} (priority {item.Priority}, up to {item.MaxAttempts} attempts)."
                : $"Already submitted with this key as {item.ItemId} ({item.State}).");
            return ExitCodes.Ok;
        });
    }
}
