using System.Globalization;
using System.Text;
using System.Text.Json;
using CortexHub.Cli.Api;
using CortexHub.Cli.Api.Models;
using CortexHub.Cli.Output;

namespace CortexHub.Cli.Commands;

/// <summary>
/// Shows a task's live events. Text mode: stdout chunks to our stdout and stderr chunks to our stderr, exactly as
/// sent (or as plain text with <c>--plain</c>, see <see cref="PlainTextRenderer"/>); thoughts, a progress bar and
/// "waiting for node…" only when stderr is a terminal, so piped output is the command's and nothing else (colour in
/// them only where <see cref="CommandInvocation.Colour"/> allows). With <c>stderrOnly</c> only stderr chunks are
/// shown, on stdout. JSON mode: one object per line, <c>{"id","event","data"}</c>.
/// </summary>
public sealed class TaskEventPrinter(CommandInvocation invocation, bool plain, bool stderrOnly = false)
{
    private readonly PlainTextRenderer _stdoutRenderer = new();
    private readonly PlainTextRenderer _stderrRenderer = new();
    private bool _statusShown;

    // The current progress bar, drawn again under each finished output line.
    private string? _progress;

    /// <summary>The last <c>result</c> event (its error explains a failure).</summary>
    public ResultEvent? Result { get; private set; }

    private bool Terminal => invocation.Context.ErrorIsTerminal && !invocation.Json;

    /// <summary>A status line on a terminal's stderr, replaced by the next one or by the task's output.</summary>
    public void ShowStatus(string text) => DrawStatus(Dim(text));

    /// <summary>Draws <paramref name="line"/> (already styled) as the status line.</summary>
    private void DrawStatus(string line)
    {
        if (Terminal)
        {
            invocation.Error.Write($"\r\x1b[2K{line}");
            invocation.Error.Flush();
            _statusShown = true;
        }
    }

    /// <summary>Writes one JSON line in JSON mode (the dispatched task, say); nothing in text mode.</summary>
    public void WriteJsonLine(string kind, JsonElement data)
    {
        if (invocation.Json)
        {
            JsonOutput.WriteLine(invocation.Out, new JsonEventLine(null, kind, data));
            invocation.Out.Flush();
        }
    }

    public void Handle(SseEvent item)
    {
        if (invocation.Json)
        {
            JsonOutput.WriteLine(invocation.Out, new JsonEventLine(
                long.TryParse(item.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null, item.Event, ParseData(item)));
            invocation.Out.Flush();
            return;
        }

        switch (item.Event)
        {
            case "accepted":
                ShowStatus("accepted by the node, starting…");
                break;
            case "started":
                ClearStatus();
                break;
            case "output":
            case "lost": // the hub's marker for acknowledged events it lost, shown where they were
                WriteOutput(Deserialize<OutputEvent>(item));
                break;
            case "thought" when Terminal:
                WriteNote($"thought: {Deserialize<ThoughtEvent>(item).Text}");
                break;
            case "progress" when Terminal:
                var progress = Deserialize<ProgressEvent>(item);
                _progress = ProgressBar.Render(progress.Fraction, progress.Message, invocation.Context.TerminalWidth);
                DrawStatus(_progress);
                break;
            case "result":
                _progress = null;
                ClearStatus();
                Result = Deserialize<ResultEvent>(item);
                break;
        }
    }

    /// <summary>Ends the output: held-back bytes of a split escape sequence, and the status line.</summary>
    public void Complete()
    {
        if (!invocation.Json && plain)
        {
            invocation.Out.Write(_stdoutRenderer.Flush());
            (stderrOnly ? invocation.Out : invocation.Error).Write(_stderrRenderer.Flush());
        }

        ClearStatus();
        invocation.Out.Flush();
        invocation.Error.Flush();
    }

    private void WriteOutput(OutputEvent output)
    {
        var stderr = output.Stream == "stderr";
        if (string.IsNullOrEmpty(output.Text) || (stderrOnly && !stderr))
        {
            return;
        }

        ClearStatus();
        // Asked for stderr alone, it is the output: on stdout, as `logs --stderr` prints it.
        var writer = stderr && !stderrOnly ? invocation.Error : invocation.Out;
        var text = plain ? (stderr ? _stderrRenderer : _stdoutRenderer).Render(Encoding.UTF8.GetBytes(output.Text)) : output.Text;
        writer.Write(text);
        writer.Flush();
        if (_progress is not null && text.EndsWith('\n'))
        {
            DrawStatus(_progress); // below the finished line; a partial line would be wiped by the redraw
        }
    }

    private void WriteNote(string text)
    {
        ClearStatus();
        invocation.Error.WriteLine(Dim(text));
        invocation.Error.Flush();
        if (_progress is not null)
        {
            DrawStatus(_progress);
        }
    }

    private string Dim(string text) => invocation.Colour ? $"\x1b[2m{text}\x1b[0m" : text;

    private void ClearStatus()
    {
        if (_statusShown)
        {
            invocation.Error.Write("\r\x1b[2K");
            invocation.Error.Flush();
            _statusShown = false;
        }
    }

    private static JsonElement ParseData(SseEvent item)
    {
        try
        {
            using var document = JsonDocument.Parse(item.Data);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(item.Data); // not JSON: passed on as a string
        }
    }

    private static T Deserialize<T>(SseEvent item)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(item.Data, CliJson.Options) ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            throw new CliException(ExitCodes.ApiError, $"the hub's {item.Event} event is not valid JSON ({ex.Message}): {item.Data}", ex);
        }
    }

    /// <summary>One line of <c>--json</c> event output.</summary>
    private sealed record JsonEventLine(long? Id, string Event, JsonElement Data);
}
