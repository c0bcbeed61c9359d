using System.Globalization;
using System.Text;
using CortexHub.Grains.Journal;
using CortexHub.Grains.Tasks;

namespace CortexHub.Api.Mcp;

/// <summary>
/// One stream of a task's stored log cut to a byte budget while it is read: everything when it fits,
/// else a head and a tail cut at line ends, with a marker naming the bytes and lines left out and the
/// <c>read_output</c> call that fetches them. Holds at most twice the budget, whatever the log's size.
/// </summary>
internal sealed class OutputWindow
{
    /// <summary>Room kept for the omission marker (its numbers and the task id are bounded).</summary>
    private const int MarkerRoom = 480;

    private readonly int _budget;
    private readonly MemoryStream _head = new();
    private readonly Queue<byte[]> _tail = new();
    private int _tailBytes;

    private OutputWindow(int budget) => _budget = budget;

    public long TotalBytes { get; private set; }

    public long TotalNewlines { get; private set; }

    /// <summary>Lines in the stream, a last line without its newline included.</summary>
    public long TotalLines => TotalNewlines + (TotalBytes > 0 && LastByte != (byte)'\n' ? 1 : 0);

    private byte LastByte { get; set; }

    /// <summary>Reads the stream (plain text strips ANSI sequences) keeping what a window of <paramref name="budget"/> bytes can show.</summary>
    public static async Task<OutputWindow> ReadAsync(ITaskGrain task, OutputStreamKind stream, bool plain, int budget, CancellationToken cancellationToken)
    {
        var window = new OutputWindow(budget);
        await foreach (var chunk in TaskLogReader.ReadChunksAsync(task, stream, plain, cancellationToken))
        {
            window.Add(chunk);
        }

        return window;
    }

    private void Add(byte[] chunk)
    {
        if (chunk.Length == 0)
        {
            return;
        }

        TotalBytes += chunk.Length;
        TotalNewlines += chunk.AsSpan().Count((byte)'\n');
        LastByte = chunk[^1];
        if (_head.Length < _budget)
        {
            _head.Write(chunk, 0, (int)Math.Min(chunk.Length, _budget - _head.Length));
        }

        _tail.Enqueue(chunk);
        _tailBytes += chunk.Length;
        while (_tailBytes - _tail.Peek().Length >= _budget)
        {
            _tailBytes -= _tail.Dequeue().Length;
        }
    }

    /// <summary>
    /// The text to show, at most <paramref name="budget"/> UTF-8 bytes (no more than the budget read
    /// with): the whole stream, or head, marker and tail. The marker names <paramref name="taskId"/>
    /// and <paramref name="stream"/> in the read_output calls it suggests.
    /// </summary>
    public string Render(string taskId, string stream, int budget)
    {
        budget = Math.Min(budget, _budget);
        if (TotalBytes <= budget)
        {
            return Utf8.Fit(Encoding.UTF8.GetString(_head.GetBuffer(), 0, (int)TotalBytes), budget, fromEnd: false);
        }

        var room = Math.Max(0, budget - MarkerRoom);
        var head = CutHead(_head.GetBuffer().AsSpan(0, (int)_head.Length), room / 2);
        var tailBytes = _tail.SelectMany(c => c).ToArray();
        var tail = CutTail(tailBytes, room - room / 2);
        var headNewlines = head.Count((byte)'\n');
        var tailNewlines = tail.Count((byte)'\n');
        var omittedBytes = TotalBytes - head.Length - tail.Length;
        var lastOmitted = tailBytes[tailBytes.Length - tail.Length - 1];
        var firstLine = headNewlines + 1;
        var lastLine = TotalNewlines - tailNewlines - (lastOmitted == (byte)'\n' ? 1 : 0) + 1;
        var headText = Utf8.Fit(Encoding.UTF8.GetString(head), room / 2, fromEnd: false);
        var tailText = Utf8.Fit(Encoding.UTF8.GetString(tail), room - room / 2, fromEnd: true);
        var marker = (headText.Length == 0 || headText.EndsWith('\n') ? "" : "\n") + string.Create(CultureInfo.InvariantCulture,
            $"[… {omittedBytes} bytes omitted: lines {firstLine}–{lastLine} ({lastLine - firstLine + 1} lines) of {TotalLines}, bytes {head.Length}–{head.Length + omittedBytes - 1} of {TotalBytes}. "
            + $"Read them with read_output {{\"taskId\":\"{taskId}\",\"stream\":\"{stream}\",\"fromLine\":{firstLine},\"lineCount\":200}} "
            + $"or {{\"taskId\":\"{taskId}\",\"stream\":\"{stream}\",\"offset\":{head.Length},\"length\":8192}} …]\n");
        return Utf8.Fit(headText + marker + tailText, budget, fromEnd: false);
    }

    /// <summary>At most <paramref name="max"/> bytes from the start, ending at a line end when one is in the second half.</summary>
    private static ReadOnlySpan<byte> CutHead(ReadOnlySpan<byte> bytes, int max)
    {
        var cut = bytes[..Math.Min(max, bytes.Length)];
        var newline = cut.LastIndexOf((byte)'\n');
        return newline >= cut.Length / 2 ? cut[..(newline + 1)] : cut[..Utf8.CharStart(cut, cut.Length)];
    }

    /// <summary>At most <paramref name="max"/> bytes from the end, starting after a line end when one is in the first half.</summary>
    private static ReadOnlySpan<byte> CutTail(ReadOnlySpan<byte> bytes, int max)
    {
        var cut = bytes[^Math.Min(max, bytes.Length - 1)..];
        var newline = cut.IndexOf((byte)'\n');
        if (newline >= 0 && newline < cut.Length / 2)
        {
            return cut[(newline + 1)..];
        }

        return cut[Utf8.NextCharStart(cut, 0)..];
    }
}
