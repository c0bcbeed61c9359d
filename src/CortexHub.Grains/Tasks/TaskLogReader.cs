using System.Text;
using CortexHub.Grains.Journal;

namespace CortexHub.Grains.Tasks;

/// <summary>Reads a task's full log (as far as the full-log cap kept it), raw or as plain text.</summary>
public static class TaskLogReader
{
    /// <summary>
    /// The stored output of one stream, or of both interleaved as they came (<paramref name="stream"/> null), in order.
    /// Plain text strips ANSI/VT sequences in one pass and turns invalid UTF-8 into U+FFFD; raw keeps
    /// bytes as produced (decoded leniently as UTF-8).
    /// A marker says how many bytes the full-log cap dropped; stdout also shows, in place, events the
    /// hub acknowledged and lost (<see cref="LostEvents.Marker"/>).
    /// </summary>
    public static async Task<string> ReadAsync(ITaskGrain task, OutputStreamKind? stream, bool plain, CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        // One per stream: a character or escape split across two chunks of one stream may have the
        // other stream's chunk between them.
        var strippers = new Dictionary<OutputStreamKind, AnsiStripper>();
        var decoders = new Dictionary<OutputStreamKind, Decoder>();
        long after = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var page = await task.ReadEventsAsync(after, 1000);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var e in page)
            {
                var bytes = e.Kind switch
                {
                    TaskEventKind.Output when stream is null || e.Stream == stream => e.Data,
                    TaskEventKind.Lost when stream is null or OutputStreamKind.Stdout => LostEvents.FromRecord(e).MarkerBytes(),
                    _ => null,
                };
                if (bytes is not null)
                {
                    var kind = e.Kind == TaskEventKind.Output ? e.Stream : OutputStreamKind.Stdout;
                    text.Append(plain
                        ? Of(strippers, kind, () => new AnsiStripper()).Strip(bytes)
                        : Decode(Of(decoders, kind, Encoding.UTF8.GetDecoder), bytes, flush: false));
                }
            }

            after = page[^1].Sequence;
        }

        foreach (var stripper in strippers.Values)
        {
            text.Append(stripper.Flush());
        }

        foreach (var decoder in decoders.Values)
        {
            text.Append(Decode(decoder, [], flush: true));
        }

        var journal = await task.GetJournalAsync();
        if (journal.FullLogOmittedBytes > 0)
        {
            text.Append(TruncatedText.OmissionMarker(journal.FullLogOmittedBytes).Replace("omitted", "past the full-log cap (see head/tail)", StringComparison.Ordinal));
        }

        return text.ToString();
    }

    private static T Of<T>(Dictionary<OutputStreamKind, T> perStream, OutputStreamKind stream, Func<T> create)
    {
        if (!perStream.TryGetValue(stream, out var value))
        {
            perStream[stream] = value = create();
        }

        return value;
    }

    private static string Decode(Decoder decoder, byte[] bytes, bool flush)
    {
        var chars = new char[decoder.GetCharCount(bytes, flush)];
        decoder.GetChars(bytes, chars, flush);
        return new string(chars);
    }
}
