using System.CommandLine;
using CortexHub.Cli.Output;

namespace CortexHub.Cli.Commands;

/// <summary><c>cortex cancel TASK [--reason R]</c>: asks the task's node to stop it; a finished task exits 7.</summary>
public static class CancelCommand
{
    public static Command Create(GlobalOptions global, CliContext context)
    {
        var task = new Argument<string>("task") { Description = "The task's id, or a prefix of it that names one task." };
        var reason = new Option<string>("--reason") { Description = "Why; kept with the task (default: cancelled by you).", HelpName = "text" };
        var command = new Command("cancel", "Cancel a task: its node stops the command (exit 7 when it had already finished).") { task, reason };
        return command.WithAction(global, context, async (invocation, cancellationToken) =>
        {
            using var client = invocation.Connect();
            var taskId = await TaskIds.ResolveAsync(client, invocation.Value(task)!, cancellationToken).ConfigureAwait(false);
            // Read first: the hub answers a cancel of a finished task with the task as it is, so "was it running" is
            // what it looked like just before (a task ending in between is reported as cancelled in vain, harmlessly).
            var before = await client.GetTaskAsync(taskId, cancellationToken).ConfigureAwait(false);
            if (TaskExitCode.IsFinished(before.Value.Task.State))
            {
                throw new CliException(ExitCodes.AlreadyFinished, $"task {taskId} already finished ({before.Value.Task.State}); nothing to cancel");
            }

            var cancelled = await client.CancelTaskAsync(taskId, invocation.Value(reason) ?? "cancelled with cortex cancel", cancellationToken).ConfigureAwait(false);
            if (invocation.Json)
            {
                JsonOutput.Write(invocation.Out, cancelled.Json);
                return ExitCodes.Ok;
            }

            invocation.Out.WriteLine($"Cancelling task {taskId} on node {cancelled.Value.Spec?.NodeId}; follow it to its end with: cortex logs -f {taskId}");
            return ExitCodes.Ok;
        });
    }
}
