using System.Text;
using CortexHub.Grains.Journal;

namespace CortexHub.Cli.Output;

/// <summary>
/// Raw task output as plain text, the way a terminal would leave it: escape sequences stripped (with the hub's
/// <see cref="AnsiStripper"/>), and a line redrawn with carriage returns shown in its final state (<c>\r</c> moves
/// back to the line's start and later text overwrites it; <c>\r\n</c> is a plain newline). The current line is held
/// back until its newline or <see cref="Flush"/>, since a later <c>\r</c> may still redraw it. One instance per
/// stream; not thread-safe.
/// </summary>
public sealed class PlainTextRenderer
{
    private readonly AnsiStripper _stripper = new();
    private readonly StringBuilder _line = new();
    private int _column;

    /// <summary>The lines this chunk completes, each with its newline.</summary>
    public string Render(ReadOnlySpan<byte> raw)
    {
        var done = new StringBuilder();
        while (true)
        {
            // The stripper drops carriage returns, so each one is acted on here, between the stripped pieces.
            var carriageReturn = raw.IndexOf((byte)'\r');
            Write(_stripper.Strip(carriageReturn < 0 ? raw : raw[..carriageReturn]), done);
            if (carriageReturn < 0)
            {
                return done.ToString();
            }

            _column = 0;
            raw = raw[(carriageReturn + 1)..];
        }
    }

    /// <summary>The rest at the end of the stream: the last line, which has no newline.</summary>
    public string Flush()
    {
        var done = new StringBuilder();
        Write(_stripper.Flush(), done);
        done.Append(_line);
        _line.Clear();
        _column = 0;
        return done.ToString();
    }

    private void Write(string text, StringBuilder done)
    {
        foreach (var c in text)
        {
            if (c == '\n')
            {
                done.Append(_line).Append('\n');
                _line.Clear();
                _column = 0;
            }
            else if (_column < _line.Length)
            {
                _line[_column++] = c;
            }
            else
            {
                _line.Append(c);
                _column++;
            }
        }
    }
}
