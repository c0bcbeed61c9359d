using System.CommandLine;
using CortexHub.Cli.Output;

namespace CortexHub.Cli.Commands;

/// <summary><c>cortex logs [-f] TASK [--plain] [--stderr]</c>: a task's whole log, or its live output followed to the end.</summary>
public static class LogsCommand
{
    public static Command Create(GlobalOptions global, CliContext context)
    {
        var task = new Argument<string>("task") { Description = "The task's id, or a prefix of it that names one task." };
        var follow = new Option<bool>("--follow", "-f")
        {
            Description = "Stream the output live until the task ends (both streams, stdout to stdout and stderr to stderr), then exit with the task's exit code.",
        };
        var plain = new Option<bool>("--plain") { Description = "Plain text: no colours or escape sequences, each line as a terminal would leave it (a line redrawn with \\r shows its last state)." };
        var stderr = new Option<bool>("--stderr") { Description = "The command's stderr instead of its stdout, printed on stdout (with -f too)." };
        var command = new Command("logs", "Print a task's output.") { task, follow, plain, stderr };
        return command.WithAction(global, context, async (invocation, cancellationToken) =>
        {
            using var client = invocation.Connect();
            var taskId = await TaskIds.ResolveAsync(client, invocation.Value(task)!, cancellationToken).ConfigureAwait(false);
            if (invocation.Value(follow))
            {
                var printer = new TaskEventPrinter(invocation, invocation.Value(plain), stderrOnly: invocation.Value(stderr));
                var end = await new TaskFollower(client, invocation.Context.Time).FollowAsync(taskId, null, printer.Handle, cancellationToken).ConfigureAwait(false);
                printer.Complete();
                RunCommand.ReportEnd(invocation, taskId, end, printer.Result);
                return TaskExitCode.For(end);
            }

            // Raw from the hub and made plain here: the hub's plain form drops carriage returns, so redrawn lines pile up.
            var text = await client.GetLogsAsync(taskId, invocation.Value(stderr), cancellationToken).ConfigureAwait(false);
            if (invocation.Value(plain))
            {
                var renderer = new PlainTextRenderer();
                text = renderer.Render(System.Text.Encoding.UTF8.GetBytes(text)) + renderer.Flush();
            }

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
