using System.CommandLine;
using System.Globalization;
using CortexHub.Cli.Output;

namespace CortexHub.Cli.Commands;

/// <summary><c>cortex pool ls [--state S] [--limit N]</c>: pool items in submission order.</summary>
public static class PoolListCommand
{
    public const int DefaultLimit = 100;

    public const int MaxLimit = 1000;

    public static Command Create(GlobalOptions global, CliContext context)
    {
        var state = new Option<string>("--state") { Description = "Only items in this state.", HelpName = "state" };
        state.AcceptOnlyFromAmong("available", "claimed", "done", "dead", "cancelled");
        var limit = new Option<int>("--limit")
        {
            Description = $"At most this many items (1 to {MaxLimit}).",
            HelpName = "n",
            DefaultValueFactory = _ => DefaultLimit,
        };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > MaxLimit)
            {
                r.AddError($"--limit must be between 1 and {MaxLimit}.");
            }
        });
        var command = new Command("ls", "List pool items (yours; an admin sees all).") { state, limit };
        return command.WithAction(global, context, async (invocation, cancellationToken) =>
        {
            using var client = invocation.Connect();
            var page = await client.ListPoolItemsAsync(invocation.Value(state), invocation.Value(limit), cancellationToken).ConfigureAwait(false);
            if (invocation.Json)
            {
                JsonOutput.Write(invocation.Out, page.Json);
                return ExitCodes.Ok;
            }

            if (page.Value.Items.Count == 0)
            {
                invocation.Error.WriteLine("No pool items.");
                return ExitCodes.Ok;
            }

            var table = new TableWriter("id", "state", "prio", "attempts", "node", "task", "exit", "created", "command");
            foreach (var item in page.Value.Items)
            {
                table.Add(item.ItemId, item.State, item.Priority.ToString(CultureInfo.InvariantCulture), $"{item.Attempts}/{item.MaxAttempts}",
                    item.ClaimedBy, item.TaskId, item.ExitCode?.ToString(CultureInfo.InvariantCulture), Formats.Time(item.CreatedAt),
                    Formats.Shorten(item.Work?.Command, 40));
            }

            table.Write(invocation.Out);
            if (page.Value.NextAfter is not null)
            {
                invocation.Error.WriteLine($"(more items: raise --limit, up to {MaxLimit})");
            }

            return ExitCodes.Ok;
        });
    }
}
