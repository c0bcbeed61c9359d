using System.CommandLine;
using CortexHub.Cli.Output;

namespace CortexHub.Cli.Commands;

/// <summary><c>cortex tasks [--limit N]</c>: the newest tasks with their node, state, exit code and creation time.</summary>
public static class TasksCommand
{
    /// <summary>Tasks listed when --limit is not given.</summary>
    public const int DefaultLimit = 20;

    public const int MaxLimit = 1000;

    public static Command Create(GlobalOptions global, CliContext context)
    {
        var limit = new Option<int>("--limit")
        {
            Description = $"How many of the newest tasks to list (1 to {MaxLimit}).",
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
        var command = new Command("tasks", "List recent tasks, newest first.") { limit };
        return command.WithAction(global, context, async (invocation, cancellationToken) =>
        {
            using var client = invocation.Connect();
            var tasks = await client.ListTasksAsync(invocation.Value(limit), cancellationToken).ConfigureAwait(false);
            if (invocation.Json)
            {
                JsonOutput.Write(invocation.Out, tasks.Json);
                return ExitCodes.Ok;
            }

            if (tasks.Value.Count == 0)
            {
                invocation.Error.WriteLine("No tasks yet; start one with: cortex run --node ID -- command");
                return ExitCodes.Ok;
            }

            var table = new TableWriter("id", "node", "state", "exit", "created", "command");
            foreach (var task in tasks.Value)
            {
                table.Add(task.TaskId, task.Spec?.NodeId, task.State, task.Result?.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Formats.Time(task.CreatedAt), Formats.Shorten(task.Spec?.Command, 48));
            }

            table.Write(invocation.Out);
            return ExitCodes.Ok;
        });
    }
}
