namespace CortexHub.Grains.Terminal;

/// <summary>The rows of one screen buffer (the main one or the alternate one).</summary>
internal sealed class ScreenGrid
{
    private ScreenRow[] _rows;

    public ScreenGrid(int columns, int rows)
    {
        Columns = columns;
        _rows = new ScreenRow[rows];
        for (var i = 0; i < rows; i++)
            _rows[i] = new ScreenRow(columns);
    }

    public int Columns { get; private set; }

    public int Rows => _rows.Length;

    public ScreenRow this[int row] => _rows[row];

    /// <summary>Moves rows <paramref name="top"/>..<paramref name="bottom"/> up by <paramref name="count"/>; blank rows come in at the bottom.</summary>
    public void ScrollUp(int top, int bottom, int count)
    {
        count = Math.Min(count, bottom - top + 1);
        if (count <= 0)
            return;
        // Rotate the row objects rather than copying cells: the rows that fall off are reused.
        var span = _rows.AsSpan(top, bottom - top + 1);
        span.Slice(0, count).Reverse();
        span.Slice(count).Reverse();
        span.Reverse();
        foreach (var row in span.Slice(span.Length - count))
            row.Clear();
    }

    /// <summary>Moves rows <paramref name="top"/>..<paramref name="bottom"/> down by <paramref name="count"/>; blank rows come in at the top.</summary>
    public void ScrollDown(int top, int bottom, int count)
    {
        count = Math.Min(count, bottom - top + 1);
        if (count <= 0)
            return;
        var span = _rows.AsSpan(top, bottom - top + 1);
        span.Reverse();
        span.Slice(0, count).Reverse();
        span.Slice(count).Reverse();
        foreach (var row in span.Slice(0, count))
            row.Clear();
    }

    public void Clear()
    {
        foreach (var row in _rows)
            row.Clear();
    }

    /// <summary>Keeps the content at the top left; new rows and columns are blank.</summary>
    public void Resize(int columns, int rows)
    {
        var old = _rows.Length;
        Array.Resize(ref _rows, rows);
        for (var i = old; i < rows; i++)
            _rows[i] = new ScreenRow(columns);
        foreach (var row in _rows)
            row.Resize(columns);
        Columns = columns;
    }
}
