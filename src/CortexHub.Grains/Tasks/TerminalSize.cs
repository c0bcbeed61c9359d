using Orleans;

namespace CortexHub.Grains.Tasks;

/// <summary>The size of a session's pseudo-terminal, in character cells.</summary>
[GenerateSerializer, Alias("cortexhub.TerminalSize")]
public sealed record TerminalSize([property: Id(0)] int Columns, [property: Id(1)] int Rows)
{
    public const int MaxColumns = 1000;
    public const int MaxRows = 500;
    public const int DefaultColumns = 80;
    public const int DefaultRows = 24;

    /// <summary>Checks 1..<see cref="MaxColumns"/> columns and 1..<see cref="MaxRows"/> rows, naming the fields.</summary>
    public static InvalidRequestException.Builder Check(InvalidRequestException.Builder errors, int columns, int rows) =>
        errors.Check(columns is >= 1 and <= MaxColumns, "columns", $"Must be between 1 and {MaxColumns}.")
            .Check(rows is >= 1 and <= MaxRows, "rows", $"Must be between 1 and {MaxRows}.");
}
