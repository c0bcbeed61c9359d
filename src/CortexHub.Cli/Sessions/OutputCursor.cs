namespace CortexHub.Cli.Sessions;

/// <summary>
/// Where a viewer is in a session's output: the byte offset of the next byte to show. Each attach starts at the offset
/// its <c>attached</c> frame names and binary frames follow from there, so reattaching with <see cref="ResumeAfter"/>
/// shows no byte twice and loses none (bytes the hub re-sends from before it are skipped).
/// </summary>
public sealed class OutputCursor(long? after)
{
    private long _skip;

    /// <summary>The offset of the next byte to show; null until the first attach when it was not given.</summary>
    public long? Next { get; private set; } = after;

    /// <summary>The <c>after</c> of the next attach: everything before it was shown.</summary>
    public long? ResumeAfter => Next;

    /// <summary>
    /// An attach begins at <paramref name="offset"/>. Returns how many bytes between what was shown and
    /// <paramref name="offset"/> the hub no longer kept (0 normally).
    /// </summary>
    public long Attached(long offset)
    {
        if (Next is not { } next)
        {
            Next = offset;
            _skip = 0;
            return 0;
        }

        _skip = Math.Max(0, next - offset);
        if (offset > next)
        {
            Next = offset;
            return offset - next;
        }

        return 0;
    }

    /// <summary>The part of a received frame not shown yet (the frame follows the earlier ones of this attach).</summary>
    public ReadOnlyMemory<byte> Accept(ReadOnlyMemory<byte> frame)
    {
        var skipped = (int)Math.Min(_skip, frame.Length);
        _skip -= skipped;
        var fresh = frame[skipped..];
        Next = (Next ?? 0) + fresh.Length;
        return fresh;
    }
}
