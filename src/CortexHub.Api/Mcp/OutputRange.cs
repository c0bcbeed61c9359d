using System.Globalization;
using System.Text;
using CortexHub.Grains.Tasks;

namespace CortexHub.Api.Mcp;

/// <summary>
/// A range of a task's stored stream, by byte offset or by line, read in one pass and cut to a byte
/// budget (with the offset to continue from when the budget ends it first).
/// </summary>
internal static class OutputRange
{
    /// <summary>Room for the header and footer lines around the range.</summary>
    private const int FrameRoom = 400;

    public sealed record Request(long? Offset, long? Length, long? FromLine, long? LineCount);

    public static async Task<string> ReadAsync(
        ITaskGrain task, string taskId, OutputStreamKind stream, bool plain, Request range, int budget, CancellationToken cancellationToken)
    {
        var room = budget - FrameRoom;
        var byLine = range.FromLine is not null;
        var startLine = range.FromLine ?? 1;
        var endLine = startLine + (range.LineCount ?? long.MaxValue / 2);
        var start = range.Offset ?? 0;
        var end = range.Length is { } length ? start + length : long.MaxValue;
        var kept = new MemoryStream();
        long position = 0, newlines = 0, first = -1, firstLine = 0, next = -1;
        byte last = 0;
        await foreach (var chunk in TaskLogReader.ReadChunksAsync(task, stream, plain, cancellationToken))
        {
            foreach (var b in chunk)
            {
                var line = newlines + 1;
                var wanted = byLine ? line >= startLine && line < endLine : position >= start && position < end;
                if (wanted)
                {
                    if (kept.Length < room)
                    {
                        if (first < 0)
                        {
                            (first, firstLine) = (position, line);
                        }

                        kept.WriteByte(b);
                    }
                    else if (next < 0)
                    {
                        next = position;
                    }
                }

                position++;
                newlines += b == (byte)'\n' ? 1 : 0;
            }

            last = chunk.Length > 0 ? chunk[^1] : last;
        }

        var totalLines = newlines + (position > 0 && last != (byte)'\n' ? 1 : 0);
        var name = stream == OutputStreamKind.Stderr ? "stderr" : "stdout";
        var format = plain ? "plain" : "raw";
        if (first < 0)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"Nothing in that range: {name} of task {taskId} ({format}) has {position} bytes in {totalLines} lines (byte offsets from 0, lines from 1).");
        }

        var bytes = kept.GetBuffer().AsSpan(0, (int)kept.Length);
        var shown = bytes[..Utf8.CharStart(bytes, bytes.Length)];
        var lastLine = firstLine + shown[..Math.Max(0, shown.Length - 1)].Count((byte)'\n');
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"{name} of task {taskId} ({format}): bytes {first}–{first + shown.Length - 1} of {position}, lines {firstLine}–{lastLine} of {totalLines}.\n");
        text.Append(Utf8.Fit(Encoding.UTF8.GetString(shown), room, fromEnd: false));
        if (next >= 0 || shown.Length < bytes.Length)
        {
            var resume = first + shown.Length;
            text.Append(CultureInfo.InvariantCulture,
                $"\n[… the answer budget of {budget} bytes ends the range here; continue with read_output {{\"taskId\":\"{taskId}\",\"stream\":\"{name}\",\"format\":\"{format}\",\"offset\":{resume}}} …]\n");
        }

        return text.ToString();
    }
}
