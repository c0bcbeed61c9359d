using System.CommandLine;
using CortexHub.Cli.Output;

namespace CortexHub.Cli.Commands;

/// <summary><c>cortex logs [-f] TASK [--plain] [--stderr]</c>: a task's whole log, or its live output followed to the end.</summary>
public static class LogsCommand
{
    public static Command Create(GlobalOptions global, CliContext context)
    {
        var task = new Argument<string>("task") { Description = "The task's id." };
        var follow = new Option<bool>("--follow", "-f")
        {
            Description = "Stream the output live until the task ends (both streams, stdout to stdout and stderr to stderr), then exit with the task's exit code.",
        };
        var plain = new Option<bool>("--plain") { Description = "Strip colours and other terminal escape sequences." };
        var stderr = new Option<bool>("--stderr") { Description = "The command's stderr instead of its stdout, printed on stdout (with -f too)." };
        var command = new Command("logs", "Print a task's output.") { task, follow, plain, stderr };
        return command.WithAction(global, context, async (invocation, cancellationToken) =>
        {
            using var client = invocation.Connect();
            var taskId = invocation.Value(task)!;
            if (invocation.Value(follow))
            {
                var printer = new TaskEventPrinter(invocation, invocation.Value(plain), stderrOnly: invocation.Value(stderr));
                var end = await new TaskFollower(client, invocation.Context.Time).FollowAsync(taskId, null, printer.Handle, cancellationToken).ConfigureAwait(false);
                printer.Complete();
                RunCommand.ReportEnd(invocation, taskId, end, printer.Result);
                return TaskExitCode.For(end);
            }

            var text = await client.GetLogsAsync(taskId, invocation.Value(stderr), invocation.Value(plain), cancellationToken).ConfigureAwait(false);
            if (invocation.Json)
            {
                JsonOutput.Write(invocation.Out, new { taskId, stream = invocation.Value(stderr) ? "stderr" : "stdout", text });
            }
            else
            {
                invocation.Out.Write(text);
            }

            return ExitCodes.Ok;
        });
    }
}
