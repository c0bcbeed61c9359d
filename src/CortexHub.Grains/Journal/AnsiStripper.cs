using System.Buffers;
using System.Text;

namespace CortexHub.Grains.Journal;

/// <summary>
/// Turns raw terminal output into plain text in one pass: removes ANSI/VT escape
/// sequences and control characters, and decodes UTF-8 (invalid bytes become U+FFFD,
/// never an exception). An instance keeps its state between chunks, so a sequence or a
/// multi-byte character split across two chunks comes out as if it had arrived whole.
/// </summary>
/// <remarks>
/// <para>What is removed (7-bit forms only; a raw 0x9B is a UTF-8 continuation byte, not a
/// C1 CSI, and decodes as U+FFFD like any stray continuation byte):</para>
/// <list type="bullet">
/// <item>CSI: <c>ESC [</c>, parameter/intermediate bytes 0x20–0x3F, final byte 0x40–0x7E.</item>
/// <item>OSC: <c>ESC ]</c> … terminated by BEL or ST (<c>ESC \</c>).</item>
/// <item>DCS, SOS, PM, APC: <c>ESC P</c>, <c>ESC X</c>, <c>ESC ^</c>, <c>ESC _</c> … terminated by ST.</item>
/// <item>Other escapes: <c>ESC</c>, any intermediates 0x20–0x2F, one final byte 0x30–0x7E
/// (<c>ESC 7</c>, <c>ESC M</c>, <c>ESC =</c>, charset designations <c>ESC ( B</c>, <c>ESC ) 0</c>, <c>ESC # 8</c>).</item>
/// <item>C0 controls except <c>\n</c> and <c>\t</c>, and DEL.</item>
/// </list>
/// <para>Carriage returns are dropped: <c>\r\n</c> becomes <c>\n</c>, and a lone <c>\r</c>
/// (a progress bar redrawing its line) disappears, so successive redraws end up side by side
/// on one line. Emulating the overwrite would mean holding back the current line, which a
/// streaming filter that returns text per chunk cannot do.</para>
/// <para>Like a VT500-family terminal: <c>ESC</c> inside any sequence abandons it and starts a
/// new one; CAN (0x18) and SUB (0x1A) abandon it silently; <c>\n</c> and <c>\t</c> inside a CSI or
/// escape still come out. Unlike a terminal, a non-ASCII byte inside a CSI or escape abandons it
/// and is kept as text, so a stray <c>ESC [</c> cannot swallow UTF-8 text. Strings (OSC, DCS,
/// …) swallow everything up to their terminator, as a terminal does; an unterminated one
/// swallows the rest of the stream.</para>
/// <para>Any removed byte also ends a pending UTF-8 sequence (as in a terminal, which decodes
/// before it parses): <c>E2 82 ESC [ m AC</c> yields U+FFFD U+FFFD, not "€".</para>
/// <para>Not thread-safe. Allocation per call: the returned string only (scratch comes from
/// <see cref="ArrayPool{T}"/>).</para>
/// </remarks>
public sealed class AnsiStripper
{
    private const byte Bel = 0x07;
    private const byte Tab = 0x09;
    private const byte LineFeed = 0x0A;
    private const byte Can = 0x18;
    private const byte Sub = 0x1A;
    private const byte Esc = 0x1B;
    private const byte Del = 0x7F;

    // Bytes the decoder may hold from earlier chunks (an incomplete UTF-8 sequence is at most
    // 3 bytes), each of which can turn into one U+FFFD; every byte fed yields at most one char.
    private const int MaxCarriedChars = 4;

    private readonly Decoder _decoder = new UTF8Encoding(
        encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();

    private State _state = State.Ground;

    // The last byte handed to the decoder was non-ASCII, so it may be holding an incomplete
    // UTF-8 sequence that a removed byte must cut off.
    private bool _decoderMayHoldBytes;

    private enum State
    {
        Ground,
        Escape,
        EscapeIntermediate,
        Csi,
        Osc,

        // DCS, SOS, PM, APC: only ST ends them.
        ControlString,
    }

    /// <summary>Strips a whole buffer: <see cref="Strip"/> then <see cref="Flush"/> on a fresh instance.</summary>
    public static string StripAll(ReadOnlySpan<byte> data)
    {
        var stripper = new AnsiStripper();
        string text = stripper.Strip(data);
        string rest = stripper.Flush();
        return rest.Length == 0 ? text : text + rest;
    }

    /// <summary>
    /// Returns the text of <paramref name="chunk"/>; bytes of an unfinished escape sequence or
    /// UTF-8 character are held until the next call.
    /// </summary>
    public string Strip(ReadOnlySpan<byte> chunk)
    {
        if (chunk.IsEmpty)
        {
            return string.Empty;
        }

        char[] scratch = ArrayPool<char>.Shared.Rent(chunk.Length + MaxCarriedChars);
        try
        {
            int written = Process(chunk, scratch);
            return new string(scratch, 0, written);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// Ends the stream: a UTF-8 character left incomplete becomes U+FFFD and an unfinished
    /// escape sequence is dropped. The instance is then ready for a new stream.
    /// </summary>
    public string Flush()
    {
        _state = State.Ground;
        Span<char> chars = stackalloc char[MaxCarriedChars];
        int written = EndUtf8Sequence(chars);
        return written == 0 ? string.Empty : new string(chars[..written]);
    }

    private int Process(ReadOnlySpan<byte> chunk, Span<char> output)
    {
        int written = 0;

        // Start of the current run of text bytes, handed to the decoder in one call.
        int runStart = -1;

        for (int i = 0; i < chunk.Length; i++)
        {
            byte b = chunk[i];
            if (_state == State.Ground)
            {
                if (IsText(b))
                {
                    if (runStart < 0)
                    {
                        runStart = i;
                    }

                    continue;
                }

                if (runStart >= 0)
                {
                    written += Decode(chunk[runStart..i], output[written..]);
                    runStart = -1;
                }

                written += EndUtf8Sequence(output[written..]);
                if (b == Esc)
                {
                    _state = State.Escape;
                }

                continue;
            }

            switch (Step(b))
            {
                case Outcome.Emit:
                    written += Decode(chunk.Slice(i, 1), output[written..]);
                    break;
                case Outcome.Reprocess:
                    // Abandoned sequence; the byte is text and starts a new run.
                    _state = State.Ground;
                    runStart = i;
                    break;
            }
        }

        if (runStart >= 0)
        {
            written += Decode(chunk[runStart..], output[written..]);
        }

        return written;
    }

    private enum Outcome
    {
        Consume,
        Emit,
        Reprocess,
    }

    // Advances the state machine by one byte while inside a sequence.
    private Outcome Step(byte b)
    {
        bool inString = _state is State.Osc or State.ControlString;
        switch (b)
        {
            case Esc:
                // Ends a string (ESC \ is ST, consumed as a two-byte escape) or restarts a sequence.
                _state = State.Escape;
                return Outcome.Consume;
            case Can or Sub:
                _state = State.Ground;
                return Outcome.Consume;
            case Bel when _state == State.Osc:
                _state = State.Ground;
                return Outcome.Consume;
        }

        if (inString)
        {
            // Strings swallow everything else, C0 controls and UTF-8 text (a window title) included.
            return Outcome.Consume;
        }

        if (b < 0x20)
        {
            return b is LineFeed or Tab ? Outcome.Emit : Outcome.Consume;
        }

        if (b == Del)
        {
            return Outcome.Consume;
        }

        if (b >= 0x80)
        {
            return Outcome.Reprocess;
        }

        switch (_state)
        {
            case State.Escape:
                _state = b switch
                {
                    (byte)'[' => State.Csi,
                    (byte)']' => State.Osc,
                    (byte)'P' or (byte)'X' or (byte)'^' or (byte)'_' => State.ControlString,
                    < 0x30 => State.EscapeIntermediate,
                    _ => State.Ground,
                };
                break;
            case State.EscapeIntermediate when b >= 0x30:
                _state = State.Ground;
                break;
            case State.Csi when b >= 0x40:
                _state = State.Ground;
                break;
        }

        return Outcome.Consume;
    }

    // Printable ASCII, \n, \t and every non-ASCII byte (left to the UTF-8 decoder).
    private static bool IsText(byte b) => b >= 0x20 ? b != Del : b is LineFeed or Tab;

    private int Decode(ReadOnlySpan<byte> bytes, Span<char> output)
    {
        _decoderMayHoldBytes = bytes[^1] >= 0x80;
        return _decoder.GetChars(bytes, output, flush: false);
    }

    private int EndUtf8Sequence(Span<char> output)
    {
        if (!_decoderMayHoldBytes)
        {
            return 0;
        }

        _decoderMayHoldBytes = false;
        return _decoder.GetChars(ReadOnlySpan<byte>.Empty, output, flush: true);
    }
}
