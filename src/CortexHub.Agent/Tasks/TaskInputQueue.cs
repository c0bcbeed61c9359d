namespace CortexHub.Agent.Tasks;

/// <summary>
/// The input of one task (its stdin pipe or its terminal) between the hub's TaskInput commands and the thread
/// that writes it: each byte is taken once, in order, however often the hub delivers it.
/// </summary>
/// <remarks>
/// The hub numbers input bytes from 0 (<c>offset</c> is the position of a chunk's first byte). A chunk is cut to
/// the bytes past what was already taken, so a redelivered chunk writes nothing. A chunk beyond a gap, or one that
/// would grow the queue past its bound, is refused (<see cref="InputOffer.Gap"/>, <see cref="InputOffer.Full"/>):
/// the hub keeps it and delivers it again on a later stream. At most the bound plus one chunk is held (a chunk is
/// always taken into an empty queue). Thread-safe: the connection offers while one writer takes.
/// </remarks>
public sealed class TaskInputQueue
{
    private readonly Lock _lock = new();
    private readonly Queue<byte[]> _chunks = new();
    private readonly SemaphoreSlim _changed = new(0);
    private ulong _taken;
    private long _queuedBytes;
    private bool _ended;
    private bool _closed;

    /// <summary>Creates an empty queue holding at most <paramref name="maxQueuedBytes"/> unwritten bytes.</summary>
    public TaskInputQueue(long maxQueuedBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxQueuedBytes, 1);
        MaxQueuedBytes = maxQueuedBytes;
    }

    /// <summary>Unwritten bytes held before further chunks are refused.</summary>
    public long MaxQueuedBytes { get; }

    /// <summary>Offset just past the last byte taken (queued or written).</summary>
    public ulong TakenOffset
    {
        get { lock (_lock) { return _taken; } }
    }

    /// <summary>Bytes queued and not yet handed to the writer.</summary>
    public long QueuedBytes
    {
        get { lock (_lock) { return _queuedBytes; } }
    }

    /// <summary>Offers the chunk of <paramref name="data"/> at <paramref name="offset"/>; <paramref name="end"/> ends the input after it.</summary>
    public InputOffer Offer(ulong offset, ReadOnlySpan<byte> data, bool end)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return InputOffer.Ignored;
            }

            if (offset > _taken)
            {
                return _ended ? InputOffer.Ignored : InputOffer.Gap;
            }

            var skip = _taken - offset;
            ReadOnlySpan<byte> fresh = skip >= (ulong)data.Length ? [] : data[(int)skip..];
            if (_ended)
            {
                return fresh.IsEmpty ? InputOffer.Duplicate : InputOffer.Ignored;
            }

            if (!fresh.IsEmpty && _queuedBytes > 0 && _queuedBytes + fresh.Length > MaxQueuedBytes)
            {
                return InputOffer.Full;
            }

            if (fresh.IsEmpty && !end)
            {
                return InputOffer.Duplicate;
            }

            if (!fresh.IsEmpty)
            {
                _chunks.Enqueue(fresh.ToArray());
                _queuedBytes += fresh.Length;
                _taken += (ulong)fresh.Length;
            }

            _ended |= end;
        }

        _changed.Release();
        return InputOffer.Queued;
    }

    /// <summary>
    /// Waits for the next chunk. Returns it; or an empty array once the input ended and everything was taken
    /// (<paramref name="ended"/> true), or once the queue was closed (<paramref name="ended"/> false).
    /// </summary>
    public byte[] Take(out bool ended)
    {
        while (true)
        {
            lock (_lock)
            {
                if (_closed)
                {
                    ended = false;
                    return [];
                }

                if (_chunks.TryDequeue(out var chunk))
                {
                    _queuedBytes -= chunk.Length;
                    ended = false;
                    return chunk;
                }

                if (_ended)
                {
                    ended = true;
                    return [];
                }
            }

            _changed.Wait();
        }
    }

    /// <summary>The program is gone (or will never run): drop what is queued and ignore whatever comes later.</summary>
    public void Close()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _chunks.Clear();
            _queuedBytes = 0;
        }

        _changed.Release();
    }
}
