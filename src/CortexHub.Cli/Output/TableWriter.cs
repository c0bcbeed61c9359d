namespace CortexHub.Cli.Output;

/// <summary>Writes rows as left-aligned columns separated by two spaces, under an upper-case header; the last column is not padded.</summary>
public sealed class TableWriter(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public int Count => _rows.Count;

    public TableWriter Add(params string?[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"Expected {headers.Length} cells, got {cells.Length}.", nameof(cells));
        }

        // One line per row: control characters (a newline in a command) would break the columns.
        _rows.Add([.. cells.Select(c => Formats.OneLine(c ?? "-"))]);
        return this;
    }

    public void Write(TextWriter writer)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        WriteRow(writer, [.. headers.Select(h => h.ToUpperInvariant())], widths);
        foreach (var row in _rows)
        {
            WriteRow(writer, row, widths);
        }
    }

    private static void WriteRow(TextWriter writer, string[] cells, int[] widths)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            writer.Write(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
        }

        writer.WriteLine();
    }
}
