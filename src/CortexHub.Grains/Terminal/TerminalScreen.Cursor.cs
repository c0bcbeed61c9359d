namespace CortexHub.Grains.Terminal;

// The cursor, the modes that move it, and printing.
public sealed partial class TerminalScreen
{
    private const int TabWidth = 8;

    private int _row;
    private int _column;
    // A character went into the last column: the next one wraps first (the VT100 "deferred wrap").
    private bool _wrapPending;
    private int _top;
    private int _bottom;
    private bool _originMode;
    private bool _autoWrap;
    private bool _insertMode;
    private bool[] _tabStops;
    private Charsets _charsets;
    private int _lastPrinted;
    private SavedCursor? _savedMain;
    private SavedCursor? _savedAlternate;

    /// <summary>G0 and G1 (ASCII or DEC line drawing) and which one is in use (SO/SI).</summary>
    private readonly record struct Charsets(bool G0LineDrawing, bool G1LineDrawing, bool ShiftedOut)
    {
        public bool LineDrawing => ShiftedOut ? G1LineDrawing : G0LineDrawing;
    }

    private readonly record struct SavedCursor(int Row, int Column, bool WrapPending, bool OriginMode, Charsets Charsets);

    private void ResetState()
    {
        _row = 0;
        _column = 0;
        _wrapPending = false;
        _top = 0;
        _bottom = Rows - 1;
        _originMode = false;
        _autoWrap = true;
        _insertMode = false;
        _charsets = default;
        _lastPrinted = 0;
        _savedMain = null;
        _savedAlternate = null;
        for (var column = 0; column < _tabStops.Length; column++)
            _tabStops[column] = column % TabWidth == 0;
    }

    private void Print(int codePoint)
    {
        if (codePoint < 0x7F && _charsets.LineDrawing)
            codePoint = DecLineDrawing.Map(codePoint);
        var width = CharacterWidth.Of(codePoint);
        if (width < 0)
            return;
        if (width == 0)
        {
            AddCombiningMark(codePoint);
            return;
        }
        if (width == 2 && Columns < 2)
            return; // it cannot be shown at all
        Place(codePoint, width);
    }

    private void Place(int codePoint, int width)
    {
        if (_wrapPending && _autoWrap)
            WrapToNextLine();
        if (width == 2 && _column == Columns - 1)
        {
            if (!_autoWrap)
                return;
            _grid[_row].Erase(_column, Columns);
            WrapToNextLine();
        }

        var row = _grid[_row];
        if (_insertMode)
            row.Insert(_column, width);
        row.Put(_column, codePoint, width);
        _lastPrinted = codePoint;
        _column += width;
        if (_column >= Columns)
        {
            _column = Columns - 1;
            _wrapPending = _autoWrap;
        }
        else
        {
            _wrapPending = false;
        }
    }

    private void AddCombiningMark(int codePoint)
    {
        var column = _wrapPending ? _column : _column - 1;
        if (column >= 0)
            _grid[_row].AddMark(column, codePoint);
    }

    private void RepeatLastPrinted(int count)
    {
        if (_lastPrinted == 0)
            return;
        // More than a screenful changes nothing more.
        count = Math.Min(count, Columns * Rows);
        for (var i = 0; i < count; i++)
            Print(_lastPrinted);
    }

    private void WrapToNextLine()
    {
        _column = 0;
        Index();
    }

    /// <summary>IND / LF: down one row, scrolling the region when at its bottom.</summary>
    private void Index()
    {
        _wrapPending = false;
        if (_row == _bottom)
            _grid.ScrollUp(_top, _bottom, 1);
        else if (_row < Rows - 1)
            _row++;
    }

    /// <summary>RI: up one row, scrolling the region down when at its top.</summary>
    private void ReverseIndex()
    {
        _wrapPending = false;
        if (_row == _top)
            _grid.ScrollDown(_top, _bottom, 1);
        else if (_row > 0)
            _row--;
    }

    private void MoveUp(int count)
    {
        var limit = _row >= _top ? _top : 0;
        _row = Math.Max(limit, _row - count);
        _wrapPending = false;
    }

    private void MoveDown(int count)
    {
        var limit = _row <= _bottom ? _bottom : Rows - 1;
        _row = Math.Min(limit, _row + count);
        _wrapPending = false;
    }

    private void MoveToColumn(int column)
    {
        _column = Math.Clamp(column, 0, Columns - 1);
        _wrapPending = false;
    }

    /// <summary>Absolute position; in origin mode the row counts from the top margin and stays inside the region.</summary>
    private void MoveTo(int row, int column)
    {
        _row = _originMode
            ? Math.Clamp(row + _top, _top, _bottom)
            : Math.Clamp(row, 0, Rows - 1);
        MoveToColumn(column);
    }

    private void TabForward(int count)
    {
        var column = _column;
        while (count-- > 0 && column < Columns - 1)
        {
            column++;
            while (column < Columns - 1 && !_tabStops[column])
                column++;
        }
        _column = column;
    }

    private void TabBackward(int count)
    {
        var column = _column;
        while (count-- > 0 && column > 0)
        {
            column--;
            while (column > 0 && !_tabStops[column])
                column--;
        }
        MoveToColumn(column);
    }

    private void SaveCursor()
    {
        var saved = new SavedCursor(_row, _column, _wrapPending, _originMode, _charsets);
        if (AlternateScreen)
            _savedAlternate = saved;
        else
            _savedMain = saved;
    }

    private void RestoreCursor()
    {
        var saved = (AlternateScreen ? _savedAlternate : _savedMain)
            ?? new SavedCursor(0, 0, false, false, default);
        _originMode = saved.OriginMode;
        _charsets = saved.Charsets;
        _row = Math.Min(saved.Row, Rows - 1);
        _column = Math.Min(saved.Column, Columns - 1);
        _wrapPending = saved.WrapPending && _column == Columns - 1;
    }

    private void SetScrollRegion(int top, int bottom)
    {
        top = top == 0 ? 1 : top;
        bottom = bottom == 0 ? Rows : Math.Min(bottom, Rows);
        if (top >= bottom)
            return;
        _top = top - 1;
        _bottom = bottom - 1;
        MoveTo(0, 0);
    }

    private void SwitchScreen(bool alternate)
    {
        _grid = alternate ? _alternate : _main;
    }
}
