using System.CommandLine;
using System.Globalization;
using CortexHub.Cli.Api.Models;
using CortexHub.Cli.Output;

namespace CortexHub.Cli.Commands;

/// <summary><c>cortex task TASK</c>: one task described (state, node, command, exit code, times, timeout, output sizes, progress).</summary>
public static class TaskCommand
{
    public static Command Create(GlobalOptions global, CliContext context)
    {
        var task = new Argument<string>("task") { Description = "The task's id, or a prefix of it that names one task." };
        var command = new Command("task", "Describe one task: state, node, command, exit code, times, timeout, output sizes, progress.") { task };
        return command.WithAction(global, context, async (invocation, cancellationToken) =>
        {
            using var client = invocation.Connect();
            var taskId = await TaskIds.ResolveAsync(client, invocation.Value(task)!, cancellationToken).ConfigureAwait(false);
            var view = await client.GetTaskAsync(taskId, cancellationToken).ConfigureAwait(false);
            if (invocation.Json)
            {
                JsonOutput.Write(invocation.Out, view.Json);
                return ExitCodes.Ok;
            }

            Describe(view.Value).Write(invocation.Out);
            return ExitCodes.Ok;
        });
    }

    private static FieldList Describe(TaskView view)
    {
        var task = view.Task;
        var created = task.CreatedAt;
        var fields = new FieldList()
            .Add("id", task.TaskId)
            .Add("state", task.State)
            .Add("node", task.Spec?.NodeId)
            .Add("command", task.Spec?.Command)
            .Add("exit code", task.Result?.ExitCode?.ToString(CultureInfo.InvariantCulture))
            .Add("error", task.Result?.Error)
            .Add("created", Formats.Time(created))
            .Add("created by", task.Spec?.CreatedBy)
            .Add("started", When(task, "running", created))
            .Add("finished", TaskExitCode.IsFinished(task.State) ? When(task, task.State!, created) : null)
            .Add("timeout", task.Spec?.Timeout is { } timeout ? Formats.Duration(timeout) : "none")
            .Add("stdout", Bytes(view.Stdout))
            .Add("stderr", Bytes(view.Stderr));
        if (view.Progress is { } progress)
        {
            var done = ProgressBar.Percent(progress.Fraction) ?? "unknown";
            fields.Add("progress", string.IsNullOrEmpty(progress.Message) ? done : $"{done}: {progress.Message}");
        }

        if (view.Thoughts is { Count: > 0 } thoughts)
        {
            fields.Add("thoughts", (thoughts.Count + view.ThoughtsDropped).ToString(CultureInfo.InvariantCulture));
        }

        return fields;
    }

    /// <summary>When the task entered <paramref name="state"/>, with the time since it was created.</summary>
    private static string? When(TaskInfo task, string state, DateTimeOffset? created)
    {
        var entered = task.Transitions?.FirstOrDefault(t => string.Equals(t.Key, state, StringComparison.OrdinalIgnoreCase));
        if (entered is not { Key: not null } transition)
        {
            return null;
        }

        var after = created is { } start ? $" (after {Formats.Duration(transition.Value - start)})" : "";
        return Formats.Time(transition.Value) + after;
    }

    private static string? Bytes(OutputView? output) =>
        output is null ? null : $"{output.Bytes.ToString(CultureInfo.InvariantCulture)} bytes";
}
