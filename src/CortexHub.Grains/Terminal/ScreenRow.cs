using System.Text;

namespace CortexHub.Grains.Terminal;

/// <summary>
/// One line of cells. A cell holds one code point; a wide character (two columns) fills its
/// first cell and marks the second as its tail. Combining marks are kept beside the cell they
/// follow, in an array made only for rows that have any.
/// </summary>
/// <remarks>
/// Writing or erasing over either half of a wide character blanks both halves, as xterm does, so
/// a row never holds half of one.
/// </remarks>
internal sealed class ScreenRow
{
    public const int Blank = 0;
    public const int WideTail = -1;

    private int[] _cells;
    private string?[]? _marks;

    public ScreenRow(int columns) => _cells = new int[columns];

    public int Columns => _cells.Length;

    public int this[int column] => _cells[column];

    public void Put(int column, int codePoint, int width)
    {
        BreakWideCharacterAt(column);
        if (width == 2)
            BreakWideCharacterAt(column + 1);
        _cells[column] = codePoint;
        if (_marks is not null)
            _marks[column] = null;
        if (width == 2)
            _cells[column + 1] = WideTail;
    }

    public void AddMark(int column, int codePoint)
    {
        if (_cells[column] == WideTail && column > 0)
            column--;
        _marks ??= new string?[_cells.Length];
        _marks[column] += char.ConvertFromUtf32(codePoint);
    }

    /// <summary>Blanks the cells in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public void Erase(int from, int to)
    {
        to = Math.Min(to, _cells.Length);
        if (from >= to)
            return;
        BreakWideCharacterAt(from);
        if (to < _cells.Length)
            BreakWideCharacterAt(to);
        Array.Clear(_cells, from, to - from);
        if (_marks is not null)
            Array.Clear(_marks, from, to - from);
    }

    public void Clear()
    {
        Array.Clear(_cells);
        _marks = null;
    }

    /// <summary>Shifts the cells from <paramref name="column"/> right by <paramref name="count"/>, blanking the gap; cells pushed past the edge are lost.</summary>
    public void Insert(int column, int count)
    {
        count = Math.Min(count, _cells.Length - column);
        if (count <= 0)
            return;
        BreakWideCharacterAt(column);
        var moved = _cells.Length - column - count;
        Array.Copy(_cells, column, _cells, column + count, moved);
        Array.Clear(_cells, column, count);
        if (_marks is not null)
        {
            Array.Copy(_marks, column, _marks, column + count, moved);
            Array.Clear(_marks, column, count);
        }
        DropWideCharacterCutAtEdge();
    }

    /// <summary>Removes <paramref name="count"/> cells at <paramref name="column"/>, shifting the rest left and blanking the freed cells at the edge.</summary>
    public void Delete(int column, int count)
    {
        count = Math.Min(count, _cells.Length - column);
        if (count <= 0)
            return;
        BreakWideCharacterAt(column);
        if (column + count < _cells.Length)
            BreakWideCharacterAt(column + count);
        var moved = _cells.Length - column - count;
        Array.Copy(_cells, column + count, _cells, column, moved);
        Array.Clear(_cells, column + moved, count);
        if (_marks is not null)
        {
            Array.Copy(_marks, column + count, _marks, column, moved);
            Array.Clear(_marks, column + moved, count);
        }
    }

    /// <summary>Keeps the leftmost cells; a wider row is blank on the right.</summary>
    public void Resize(int columns)
    {
        if (columns == _cells.Length)
            return;
        Array.Resize(ref _cells, columns);
        if (_marks is not null)
            Array.Resize(ref _marks, columns);
        DropWideCharacterCutAtEdge();
    }

    /// <summary>The row as text, trailing blanks trimmed.</summary>
    public string Render(StringBuilder scratch)
    {
        scratch.Clear();
        var end = _cells.Length;
        while (end > 0 && _cells[end - 1] is Blank or ' ' && _marks?[end - 1] is null)
            end--;
        for (var column = 0; column < end; column++)
        {
            var cell = _cells[column];
            if (cell == WideTail)
                continue;
            if (cell is Blank)
                scratch.Append(' ');
            else if (cell < 0x10000)
                scratch.Append((char)cell);
            else
                scratch.Append(char.ConvertFromUtf32(cell));
            if (_marks?[column] is { } marks)
                scratch.Append(marks);
        }
        return scratch.ToString();
    }

    // Blanks both halves of a wide character that has a half at this column.
    private void BreakWideCharacterAt(int column)
    {
        if (_cells[column] == WideTail)
        {
            _cells[column] = Blank;
            if (column > 0)
                _cells[column - 1] = Blank;
        }
        else if (column + 1 < _cells.Length && _cells[column + 1] == WideTail)
        {
            _cells[column] = Blank;
            _cells[column + 1] = Blank;
        }
    }

    private void DropWideCharacterCutAtEdge()
    {
        var last = _cells.Length - 1;
        if (last >= 0 && _cells[last] > Blank && CharacterWidth.Of(_cells[last]) == 2)
            _cells[last] = Blank;
    }
}
