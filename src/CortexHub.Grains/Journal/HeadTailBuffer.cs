namespace CortexHub.Grains.Journal;

/// <summary>
/// Keeps the start and the end of a possibly unbounded byte stream (a task's stdout or
/// stderr) within a fixed budget: the first <see cref="HeadCapacity"/> bytes ever
/// appended, the last <see cref="TailCapacity"/> bytes after those, and the exact count of
/// bytes dropped between them.
/// </summary>
/// <remarks>
/// Invariant: <c>HeadLength + OmittedBytes + TailLength == TotalBytes</c>. The head fills
/// first; only once it is full do bytes reach the tail, so head and tail never overlap.
/// Both buffers are allocated once in the constructor and <see cref="Append"/> never
/// allocates. Not thread-safe: the owner (a grain) serialises calls.
/// </remarks>
public sealed class HeadTailBuffer
{
    private readonly byte[] _head;
    private readonly byte[] _ring;
    private int _headLength;

    // Index in _ring where the next tail byte goes; the oldest byte sits at
    // (_ringWrite - _tailLength) mod TailCapacity.
    private int _ringWrite;
    private int _tailLength;

    public HeadTailBuffer(int headCapacity, int tailCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(headCapacity);
        ArgumentOutOfRangeException.ThrowIfNegative(tailCapacity);
        _head = headCapacity == 0 ? [] : new byte[headCapacity];
        _ring = tailCapacity == 0 ? [] : new byte[tailCapacity];
    }

    public int HeadCapacity => _head.Length;

    public int TailCapacity => _ring.Length;

    /// <summary>Every byte ever appended, kept or not.</summary>
    public long TotalBytes { get; private set; }

    /// <summary>Bytes that fell between the head and the tail and are gone for good.</summary>
    public long OmittedBytes { get; private set; }

    public int HeadLength => _headLength;

    public int TailLength => _tailLength;

    public bool IsTruncated => OmittedBytes > 0;

    /// <summary>The kept prefix, without copying; valid until the next <see cref="Append"/>.</summary>
    public ReadOnlySpan<byte> HeadSpan => _head.AsSpan(0, _headLength);

    public void Append(ReadOnlySpan<byte> data)
    {
        TotalBytes += data.Length;

        int toHead = Math.Min(data.Length, _head.Length - _headLength);
        if (toHead > 0)
        {
            data[..toHead].CopyTo(_head.AsSpan(_headLength));
            _headLength += toHead;
            data = data[toHead..];
        }

        if (data.IsEmpty)
        {
            return;
        }

        int capacity = _ring.Length;
        if (data.Length >= capacity)
        {
            // The chunk alone fills the ring: everything currently in it, and the front of
            // the chunk, is pushed out. Restart the ring at index 0 (capacity 0 lands here too).
            OmittedBytes += _tailLength + (data.Length - capacity);
            data[^capacity..].CopyTo(_ring);
            _ringWrite = 0;
            _tailLength = capacity;
            return;
        }

        int evicted = _tailLength + data.Length - capacity;
        if (evicted > 0)
        {
            OmittedBytes += evicted;
        }

        int firstPart = Math.Min(data.Length, capacity - _ringWrite);
        data[..firstPart].CopyTo(_ring.AsSpan(_ringWrite));
        data[firstPart..].CopyTo(_ring);
        _ringWrite = (_ringWrite + data.Length) % capacity;
        _tailLength = Math.Min(capacity, _tailLength + data.Length);
    }

    public byte[] Head() => HeadSpan.ToArray();

    /// <summary>The kept suffix in chronological order (a fresh array).</summary>
    public byte[] Tail()
    {
        if (_tailLength == 0)
        {
            return [];
        }

        var tail = new byte[_tailLength];
        CopyTailTo(tail);
        return tail;
    }

    /// <summary>Copies the kept suffix, oldest byte first, to the start of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="TailLength"/>.</exception>
    public void CopyTailTo(Span<byte> destination)
    {
        if (destination.Length < _tailLength)
        {
            throw new ArgumentException(
                $"Destination holds {destination.Length} bytes but the tail has {_tailLength}.",
                nameof(destination));
        }

        if (_tailLength == 0)
        {
            return;
        }

        int capacity = _ring.Length;
        int start = (_ringWrite - _tailLength + capacity) % capacity;
        int firstPart = Math.Min(_tailLength, capacity - start);
        _ring.AsSpan(start, firstPart).CopyTo(destination);
        _ring.AsSpan(0, _tailLength - firstPart).CopyTo(destination[firstPart..]);
    }

    /// <summary>Copies <c>destination.Length</c> tail bytes starting <paramref name="start"/> bytes after the oldest kept one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range reaches past the kept tail.</exception>
    public void CopyTailTo(int start, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + destination.Length, _tailLength, nameof(destination));
        if (destination.IsEmpty)
        {
            return;
        }

        int capacity = _ring.Length;
        int from = (_ringWrite - _tailLength + start + capacity) % capacity;
        int firstPart = Math.Min(destination.Length, capacity - from);
        _ring.AsSpan(from, firstPart).CopyTo(destination);
        _ring.AsSpan(0, destination.Length - firstPart).CopyTo(destination[firstPart..]);
    }

    public TruncatedText Snapshot() => new(Head(), OmittedBytes, Tail());

    public HeadTailState ToState() => new(Head(), Tail(), TotalBytes, HeadCapacity, TailCapacity);

    /// <summary>
    /// Rebuilds a buffer from persisted state; appending to it then behaves exactly as
    /// appending to the buffer the state was taken from.
    /// </summary>
    /// <exception cref="ArgumentException">The state is inconsistent (for example a tail
    /// while the head is not full, or omitted bytes while the tail is not full).</exception>
    public static HeadTailBuffer FromState(HeadTailState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Validate(state);

        var buffer = new HeadTailBuffer(state.HeadCapacity, state.TailCapacity);
        state.Head.CopyTo(buffer._head, 0);
        buffer._headLength = state.Head.Length;
        state.Tail.CopyTo(buffer._ring, 0);
        buffer._tailLength = state.Tail.Length;
        buffer._ringWrite = state.TailCapacity == 0 ? 0 : state.Tail.Length % state.TailCapacity;
        buffer.TotalBytes = state.TotalBytes;
        buffer.OmittedBytes = state.TotalBytes - state.Head.Length - state.Tail.Length;
        return buffer;
    }

    private static void Validate(HeadTailState state)
    {
        // Persisted JSON may lack a property, which leaves a null behind the non-nullable type.
        if (state.Head is null || state.Tail is null)
        {
            throw Invalid("Head and Tail must not be null");
        }

        if (state.HeadCapacity < 0 || state.TailCapacity < 0)
        {
            throw Invalid($"capacities must not be negative (head {state.HeadCapacity}, tail {state.TailCapacity})");
        }

        if (state.Head.Length > state.HeadCapacity || state.Tail.Length > state.TailCapacity)
        {
            throw Invalid(
                $"head {state.Head.Length}/{state.HeadCapacity} or tail {state.Tail.Length}/{state.TailCapacity} exceeds its capacity");
        }

        long omitted = state.TotalBytes - state.Head.Length - state.Tail.Length;
        if (omitted < 0)
        {
            throw Invalid($"TotalBytes {state.TotalBytes} is less than the {state.Head.Length + state.Tail.Length} bytes kept");
        }

        if (state.Head.Length < state.HeadCapacity && state.TotalBytes > state.Head.Length)
        {
            throw Invalid("bytes went past a head that is not full");
        }

        if (omitted > 0 && state.Tail.Length < state.TailCapacity)
        {
            throw Invalid($"{omitted} bytes omitted while the tail is not full");
        }
    }

    private static ArgumentException Invalid(string reason) =>
        new($"Inconsistent {nameof(HeadTailState)}: {reason}.", "state");
}
