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
        await foreach (var (kind, bytes) in ReadPiecesAsync(task, stream, cancellationToken))
        {
            text.Append(plain
                ? Of(strippers, kind, () => new AnsiStripper()).Strip(bytes)
                : Decode(Of(decoders, kind, Encoding.UTF8.GetDecoder), bytes, flush: false));
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

    /// <summary>
    /// The stored bytes of one stream, in order (stdout with the marker of lost events in place),
    /// without the full-log cap's marker; for readers that window or count the log instead of
    /// holding it whole. Raw as produced, or plain: ANSI/VT sequences stripped, invalid UTF-8 as U+FFFD.
    /// </summary>
    public static async IAsyncEnumerable<byte[]> ReadChunksAsync(
        ITaskGrain task, OutputStreamKind stream, bool plain, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var stripper = plain ? new AnsiStripper() : null;
        await foreach (var (_, bytes) in ReadPiecesAsync(task, stream, cancellationToken))
        {
            yield return stripper is null ? bytes : Encoding.UTF8.GetBytes(stripper.Strip(bytes));
        }

        if (stripper?.Flush() is { Length: > 0 } rest)
        {
            yield return Encoding.UTF8.GetBytes(rest);
        }
    }

    /// <summary>Stored output chunks of one stream or both (null), each with its stream; lost-event markers count as stdout.</summary>
    private static async IAsyncEnumerable<(OutputStreamKind Stream, byte[] Bytes)> ReadPiecesAsync(
        ITaskGrain task, OutputStreamKind? stream, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long after = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var page = await task.ReadEventsAsync(after, 1000);
            if (page.Count == 0)
            {
                yield break;
            }

            foreach (var e in page)
            {
                var bytes = e.Kind switch
                {
                    TaskEventKind.Output when stream is null || e.Stream == stream => e.Data,
                    TaskEventKind.Lost when stream is null or OutputStreamKind.Stdout => LostEvents.FromRecord(e).MarkerBytes(),
                    _ => null,
                };
                if (bytes is { Length: > 0 })
                {
                    yield return (e.Kind == TaskEventKind.Output ? e.Stream : OutputStreamKind.Stdout, bytes);
                }
            }

            after = page[^1].Sequence;
        }
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
