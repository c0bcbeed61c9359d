namespace CortexHub.Cli.Output;

/// <summary>Writes name/value pairs one per line, the values in one column; fields without a value are left out.</summary>
public sealed class FieldList
{
    private readonly List<(string Name, string Value)> _fields = [];

    public FieldList Add(string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            // One line per field: a newline in a command or an error would break the column.
            _fields.Add((name, Formats.OneLine(value)));
        }

        return this;
    }

    public void Write(TextWriter writer)
    {
        var width = _fields.Count == 0 ? 0 : _fields.Max(f => f.Name.Length) + 2;
        foreach (var (name, value) in _fields)
        {
            writer.WriteLine(name.PadRight(width) + value);
        }
    }
}
