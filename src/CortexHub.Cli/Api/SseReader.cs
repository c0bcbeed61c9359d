using System.Runtime.CompilerServices;
using System.Text;

namespace CortexHub.Cli.Api;

/// <summary>
/// Parses a <c>text/event-stream</c> body as the HTML standard describes: <c>field: value</c> lines, a blank line
/// ends an event, <c>:</c> starts a comment (keep-alives), several <c>data</c> lines join with newlines, and an
/// <c>id</c> stays the last event id until another replaces it. An event cut off by the end of the stream is dropped.
/// </summary>
public static class SseReader
{
    public static async IAsyncEnumerable<SseEvent> ReadAsync(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
        string? lastId = null;
        string? kind = null;
        var data = new StringBuilder();
        var hasData = false;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                if (hasData)
                {
                    yield return new SseEvent(lastId, string.IsNullOrEmpty(kind) ? "message" : kind, data.ToString());
                }

                kind = null;
                data.Clear();
                hasData = false;
                continue;
            }

            if (line[0] == ':')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            switch (field)
            {
                case "event":
                    kind = value;
                    break;
                case "data":
                    if (hasData)
                    {
                        data.Append('\n');
                    }

                    data.Append(value);
                    hasData = true;
                    break;
                case "id" when !value.Contains('\0', StringComparison.Ordinal):
                    lastId = value;
                    break;
            }

            // "retry" and unknown fields are ignored, as the standard says.
        }
    }
}
