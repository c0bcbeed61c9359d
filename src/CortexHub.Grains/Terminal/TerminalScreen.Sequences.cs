namespace CortexHub.Grains.Terminal;

// What each control, escape and control sequence does to the screen.
public sealed partial class TerminalScreen
{
    private void Execute(int control)
    {
        switch (control)
        {
            case 0x08: // BS; from a pending wrap it leaves the last column, as in xterm
                if (_column > 0)
                    _column--;
                _wrapPending = false;
                break;
            case 0x09: TabForward(1); break;
            case 0x0A or 0x0B or 0x0C: Index(); break;
            case 0x0D: MoveToColumn(0); break;
            case 0x0E: _charsets = _charsets with { ShiftedOut = true }; break;
            case 0x0F: _charsets = _charsets with { ShiftedOut = false }; break;
            // BEL and the rest do nothing to the screen.
        }
    }

    private void EscapeDispatch(char intermediate, char final)
    {
        switch (intermediate, final)
        {
            case ('\0', '7'): SaveCursor(); break;
            case ('\0', '8'): RestoreCursor(); break;
            case ('\0', 'D'): Index(); break;
            case ('\0', 'E'): MoveToColumn(0); Index(); break;
            case ('\0', 'M'): ReverseIndex(); break;
            case ('\0', 'H'): _tabStops[_column] = true; break;
            case ('\0', 'c'): FullReset(); break;
            case ('(', _): _charsets = _charsets with { G0LineDrawing = final == '0' }; break;
            case (')', _): _charsets = _charsets with { G1LineDrawing = final == '0' }; break;
            case ('#', '8'): FillWithE(); break;
        }
    }

    private void CsiDispatch(char prefix, ReadOnlySpan<int> parameters, char intermediate, char final)
    {
        if (prefix == '?' && intermediate == '\0' && final is 'h' or 'l')
        {
            foreach (var mode in parameters)
                SetPrivateMode(mode, final == 'h');
            return;
        }
        if (prefix != '\0')
            return;
        if (intermediate == '!' && final == 'p')
        {
            SoftReset();
            return;
        }
        if (intermediate != '\0')
            return;

        var first = parameters.Length > 0 ? parameters[0] : 0;
        var count = Math.Max(first, 1);
        switch (final)
        {
            case '@': _grid[_row].Insert(_column, count); _wrapPending = false; break;
            case 'A': MoveUp(count); break;
            case 'B' or 'e': MoveDown(count); break;
            case 'C' or 'a': MoveToColumn(_column + count); break;
            case 'D': MoveToColumn(_column - count); break;
            case 'E': MoveDown(count); MoveToColumn(0); break;
            case 'F': MoveUp(count); MoveToColumn(0); break;
            case 'G' or '`': MoveToColumn(count - 1); break;
            case 'H' or 'f': MoveTo(count - 1, Math.Max(Parameter(parameters, 1), 1) - 1); break;
            case 'd': MoveTo(count - 1, _column); break;
            case 'I': TabForward(count); break;
            case 'Z': TabBackward(count); break;
            case 'J': EraseInDisplay(first); break;
            case 'K': EraseInLine(first); break;
            case 'X': _grid[_row].Erase(_column, _column + count); _wrapPending = false; break;
            case 'P': _grid[_row].Delete(_column, count); _wrapPending = false; break;
            case 'L': InsertLines(count); break;
            case 'M': DeleteLines(count); break;
            case 'S': _grid.ScrollUp(_top, _bottom, count); break;
            // With more parameters, "CSI ... T" is xterm's mouse highlight tracking.
            case 'T' when parameters.Length <= 1: _grid.ScrollDown(_top, _bottom, count); break;
            case 'b': RepeatLastPrinted(count); break;
            case 'r': SetScrollRegion(first, Parameter(parameters, 1)); break;
            case 's': SaveCursor(); break;
            case 'u': RestoreCursor(); break;
            case 'g': ClearTabStops(first); break;
            case 'h' or 'l': SetMode(parameters, final == 'h'); break;
            // SGR, reports, window operations and the rest: nothing to show.
        }
    }

    private static int Parameter(ReadOnlySpan<int> parameters, int index) =>
        index < parameters.Length ? parameters[index] : 0;

    private void SetMode(ReadOnlySpan<int> modes, bool on)
    {
        foreach (var mode in modes)
        {
            if (mode == 4)
                _insertMode = on;
        }
    }

    private void SetPrivateMode(int mode, bool on)
    {
        switch (mode)
        {
            case 6: _originMode = on; MoveTo(0, 0); break;
            case 7: _autoWrap = on; if (!on) _wrapPending = false; break;
            case 47: SwitchScreen(on); break;
            case 1047:
                if (!on && AlternateScreen)
                    _alternate.Clear();
                SwitchScreen(on);
                break;
            case 1048: if (on) SaveCursor(); else RestoreCursor(); break;
            case 1049:
                if (on)
                {
                    if (AlternateScreen)
                        return;
                    SaveCursor();
                    SwitchScreen(true);
                    _alternate.Clear();
                }
                else if (AlternateScreen)
                {
                    SwitchScreen(false);
                    RestoreCursor();
                }
                break;
        }
    }

    private void EraseInDisplay(int mode)
    {
        _wrapPending = false;
        switch (mode)
        {
            case 0:
                _grid[_row].Erase(_column, Columns);
                for (var row = _row + 1; row < Rows; row++)
                    _grid[row].Clear();
                break;
            case 1:
                for (var row = 0; row < _row; row++)
                    _grid[row].Clear();
                _grid[_row].Erase(0, _column + 1);
                break;
            case 2:
                _grid.Clear();
                break;
            // 3 erases the scrollback, which this screen does not keep.
        }
    }

    private void EraseInLine(int mode)
    {
        _wrapPending = false;
        switch (mode)
        {
            case 0: _grid[_row].Erase(_column, Columns); break;
            case 1: _grid[_row].Erase(0, _column + 1); break;
            case 2: _grid[_row].Clear(); break;
        }
    }

    private void InsertLines(int count)
    {
        if (_row < _top || _row > _bottom)
            return;
        _grid.ScrollDown(_row, _bottom, count);
        MoveToColumn(0);
    }

    private void DeleteLines(int count)
    {
        if (_row < _top || _row > _bottom)
            return;
        _grid.ScrollUp(_row, _bottom, count);
        MoveToColumn(0);
    }

    private void ClearTabStops(int mode)
    {
        if (mode == 0)
            _tabStops[_column] = false;
        else if (mode == 3)
            Array.Clear(_tabStops);
    }

    /// <summary>DECALN: the screen filled with 'E', margins reset, cursor home.</summary>
    private void FillWithE()
    {
        for (var row = 0; row < Rows; row++)
        {
            for (var column = 0; column < Columns; column++)
                _grid[row].Put(column, 'E', 1);
        }
        _top = 0;
        _bottom = Rows - 1;
        _originMode = false;
        MoveTo(0, 0);
    }

    /// <summary>DECSTR: modes back to their defaults; the screen and the cursor position stay.</summary>
    private void SoftReset()
    {
        _insertMode = false;
        _originMode = false;
        _autoWrap = true;
        _top = 0;
        _bottom = Rows - 1;
        _charsets = default;
        _wrapPending = false;
        if (AlternateScreen)
            _savedAlternate = null;
        else
            _savedMain = null;
    }

    /// <summary>RIS: the terminal as it was when made, at its current size.</summary>
    private void FullReset()
    {
        _main.Clear();
        _alternate.Clear();
        SwitchScreen(false);
        ResetState();
    }
}
