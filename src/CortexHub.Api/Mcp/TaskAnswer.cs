using System.Globalization;
using System.Text;
using CortexHub.Grains.Tasks;

namespace CortexHub.Api.Mcp;

/// <summary>
/// A task as a tool answers it: one status line, the command, then stdout and stderr cut to the
/// answer's byte budget (stderr gets at most a third when both have output), with the thought log
/// and progress when asked for. The whole text never exceeds the budget.
/// </summary>
internal static class TaskAnswer
{
    private const int CommandChars = 300;
    private const int ThoughtChars = 300;

    public static async Task<string> RenderAsync(ITaskGrain grain, TaskSnapshot task, int budget, bool withJournal, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        text.Append(Status(task)).Append('\n');
        text.Append("command: ").Append(Clip(task.Spec!.Command, CommandChars)).Append('\n');
        var journal = withJournal || task.IsFinished ? await grain.GetJournalAsync() : null;
        if (withJournal && journal is not null)
        {
            AppendJournal(text, journal);
        }

        if (journal is { FullLogOmittedBytes: > 0 })
        {
            text.Append(CultureInfo.InvariantCulture,
                $"note: {journal.FullLogOmittedBytes} bytes came past this task's full-log cap; they are not stored, so the output below ends where the cap did.\n");
        }

        var header = Utf8.Fit(text.ToString(), budget / 4, fromEnd: false);
        var room = budget - Encoding.UTF8.GetByteCount(header) - 2 * SectionTitleRoom;
        var stdout = await OutputWindow.ReadAsync(grain, OutputStreamKind.Stdout, plain: true, room, cancellationToken);
        var stderr = await OutputWindow.ReadAsync(grain, OutputStreamKind.Stderr, plain: true, room, cancellationToken);
        var stderrText = stderr.TotalBytes == 0 ? "" : stderr.Render(task.TaskId, "stderr", stdout.TotalBytes == 0 ? room : room / 3);
        var stdoutText = stdout.TotalBytes == 0 ? "" : stdout.Render(task.TaskId, "stdout", room - Encoding.UTF8.GetByteCount(stderrText));
        var answer = new StringBuilder(header);
        AppendStream(answer, "stdout", stdout, stdoutText);
        AppendStream(answer, "stderr", stderr, stderrText);
        return Utf8.Fit(answer.ToString(), budget, fromEnd: false);
    }

    /// <summary>Room for one "--- stdout: N bytes, N lines ---" line.</summary>
    private const int SectionTitleRoom = 80;

    private static void AppendStream(StringBuilder answer, string name, OutputWindow window, string text)
    {
        if (window.TotalBytes == 0)
        {
            answer.Append(CultureInfo.InvariantCulture, $"--- {name}: empty ---\n");
            return;
        }

        answer.Append(CultureInfo.InvariantCulture, $"--- {name}: {window.TotalBytes} bytes, {window.TotalLines} lines ---\n").Append(text);
        if (!text.EndsWith('\n'))
        {
            answer.Append('\n');
        }
    }

    public static string Status(TaskSnapshot task)
    {
        var state = task.State.ToString().ToLowerInvariant();
        var line = new StringBuilder().Append(CultureInfo.InvariantCulture, $"task {task.TaskId} on node {task.Spec?.NodeId}: {state}");
        if (task.Result is { } result)
        {
            if (result.ExitCode is { } code)
            {
                line.Append(CultureInfo.InvariantCulture, $", exit code {code}");
            }

            if (!string.IsNullOrEmpty(result.Error))
            {
                line.Append(", error: ").Append(Clip(result.Error, CommandChars));
            }
        }

        if (task.Transitions.TryGetValue(TaskState.Running, out var started))
        {
            var ended = task.IsFinished && task.Transitions.TryGetValue(task.State, out var at) ? at : (DateTimeOffset?)null;
            if (ended is { } end)
            {
                line.Append(CultureInfo.InvariantCulture, $", ran {(end - started).TotalSeconds:0.###} s");
            }
            else
            {
                line.Append(CultureInfo.InvariantCulture, $", running since {started:u}");
            }
        }

        if (!task.IsFinished)
        {
            line.Append(" (not finished: wait_task waits for it, read_output reads what it wrote so far, cancel_task stops it)");
        }

        return line.ToString();
    }

    private static void AppendJournal(StringBuilder text, TaskJournal journal)
    {
        if (journal.Progress is { } progress)
        {
            var fraction = progress.Fraction >= 0 ? progress.Fraction.ToString("P0", CultureInfo.InvariantCulture) + " " : "";
            text.Append("progress: ").Append(fraction).Append(Clip(progress.Message, ThoughtChars)).Append('\n');
        }

        if (journal.Thoughts.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"thoughts ({journal.Thoughts.Count}{(journal.ThoughtsDropped > 0 ? $", {journal.ThoughtsDropped} older dropped" : "")}):\n");
            foreach (var thought in journal.Thoughts.TakeLast(10))
            {
                text.Append(CultureInfo.InvariantCulture, $"- {thought.At:u} {Clip(thought.Text, ThoughtChars)}\n");
            }
        }
    }

    private static string Clip(string text, int chars) => text.Length <= chars ? text : string.Concat(text.AsSpan(0, chars), "…");
}
