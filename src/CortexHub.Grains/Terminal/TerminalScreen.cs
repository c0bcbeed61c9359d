using System.Text;

namespace CortexHub.Grains.Terminal;

/// <summary>
/// A headless VT/xterm screen: feed it a terminal program's raw output and read the text a
/// terminal of that size would show, and where its cursor is. Colours and other attributes are
/// accepted and dropped; there is no scrollback.
/// </summary>
/// <remarks>
/// <para>Bytes are UTF-8 and may be split anywhere between <see cref="Feed"/> calls; invalid bytes
/// show as U+FFFD. Widths come from the Wcwidth package (wide characters take two columns,
/// combining marks join the character before them).</para>
/// <para>Handled: CR LF VT FF BS HT BEL SO SI; autowrap with the deferred wrap of a VT100 (a
/// character in the last column leaves the cursor there until the next one); cursor motion (CUU
/// CUD CUF CUB CNL CPL CHA HPA HPR CUP HVP VPA VPR CHT CBT); erasing and editing (ED EL ECH ICH
/// DCH IL DL SU SD REP); scroll regions (DECSTBM) with IND RI NEL; tab stops (HTS TBC); cursor
/// save and restore (DECSC DECRC, CSI s/u, ?1048); the alternate screen (?47 ?1047 ?1049); origin
/// mode, autowrap mode, insert mode; DEC line-drawing characters; DECALN, DECSTR and RIS. Every
/// other sequence (SGR, other modes, reports, window operations) is accepted and ignored, and
/// strings (OSC, DCS, SOS, PM, APC) are swallowed up to BEL or ST.</para>
/// <para>Not thread-safe. Feeding allocates nothing beyond combining marks.</para>
/// </remarks>
public sealed partial class TerminalScreen
{
    public const int MaxColumns = 1000;
    public const int MaxRows = 500;

    // Bytes decoded per step; the char buffer has room for what the decoder may hold back.
    private const int DecodeChunk = 4096;

    private readonly Decoder _decoder = new UTF8Encoding(
        encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private readonly char[] _chars = new char[DecodeChunk + 8];
    private readonly VtParser _parser;
    private readonly ScreenGrid _main;
    private readonly ScreenGrid _alternate;
    private ScreenGrid _grid;
    private char _highSurrogate;

    public TerminalScreen(int columns, int rows)
    {
        CheckSize(columns, rows);
        Columns = columns;
        Rows = rows;
        _main = new ScreenGrid(columns, rows);
        _alternate = new ScreenGrid(columns, rows);
        _grid = _main;
        _tabStops = new bool[columns];
        _parser = new VtParser(new Actions(this));
        ResetState();
    }

    public int Columns { get; private set; }

    public int Rows { get; private set; }

    /// <summary>0-based; after a character in the last column (a wrap pending) it stays on that column.</summary>
    public (int Row, int Column) Cursor => (_row, _column);

    /// <summary><see cref="Rows"/> strings, trailing spaces trimmed; a wide character is one char (or a surrogate pair) for its two columns.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            var scratch = new StringBuilder(Columns);
            var lines = new string[Rows];
            for (var row = 0; row < Rows; row++)
                lines[row] = _grid[row].Render(scratch);
            return lines;
        }
    }

    /// <summary><see cref="Lines"/> joined by '\n', trailing empty lines trimmed.</summary>
    public string Text
    {
        get
        {
            var lines = Lines;
            var count = lines.Count;
            while (count > 0 && lines[count - 1].Length == 0)
                count--;
            return string.Join('\n', lines.Take(count));
        }
    }

    /// <summary>Whether the alternate screen (full-screen programs such as vim or less) is showing.</summary>
    public bool AlternateScreen => _grid == _alternate;

    public void Feed(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var take = Math.Min(bytes.Length, DecodeChunk);
            _decoder.Convert(bytes[..take], _chars, flush: false, out var used, out var charCount, out _);
            Advance(_chars.AsSpan(0, charCount));
            bytes = bytes[used..];
        }
    }

    /// <summary>Keeps the content at the top left, clamps the cursor, and resets the scroll region.</summary>
    public void Resize(int columns, int rows)
    {
        CheckSize(columns, rows);
        if (columns == Columns && rows == Rows)
            return;
        _main.Resize(columns, rows);
        _alternate.Resize(columns, rows);
        var tabStops = new bool[columns];
        _tabStops.AsSpan(0, Math.Min(columns, Columns)).CopyTo(tabStops);
        for (var column = Columns; column < columns; column += 1)
            tabStops[column] = column % TabWidth == 0;
        _tabStops = tabStops;
        Columns = columns;
        Rows = rows;
        _top = 0;
        _bottom = rows - 1;
        _row = Math.Min(_row, rows - 1);
        _column = Math.Min(_column, columns - 1);
        _wrapPending = false;
    }

    private static void CheckSize(int columns, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(columns, MaxColumns);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, MaxRows);
    }

    private void Advance(ReadOnlySpan<char> chars)
    {
        foreach (var c in chars)
        {
            // Most output is plain ASCII text: place it without the parser and the width lookup.
            if (c is >= ' ' and < '\x7F' && _parser.InGround && _highSurrogate == '\0' && !_charsets.LineDrawing)
            {
                Place(c, 1);
                continue;
            }
            if (_highSurrogate != '\0')
            {
                var high = _highSurrogate;
                _highSurrogate = '\0';
                if (char.IsLowSurrogate(c))
                {
                    _parser.Advance(char.ConvertToUtf32(high, c));
                    continue;
                }
                _parser.Advance(0xFFFD);
            }
            if (char.IsHighSurrogate(c))
                _highSurrogate = c;
            else
                _parser.Advance(char.IsLowSurrogate(c) ? 0xFFFD : c);
        }
    }

    // The parser's callbacks, kept off the public surface of the screen.
    private sealed class Actions(TerminalScreen screen) : IVtActions
    {
        public void Print(int codePoint) => screen.Print(codePoint);

        public void Execute(int control) => screen.Execute(control);

        public void EscapeDispatch(char intermediate, char final) => screen.EscapeDispatch(intermediate, final);

        public void CsiDispatch(char prefix, ReadOnlySpan<int> parameters, char intermediate, char final) =>
            screen.CsiDispatch(prefix, parameters, intermediate, final);
    }
}
