namespace CortexHub.Cli.Commands;

/// <summary>Reads repeated <c>key=value</c> options into a dictionary; a malformed one is a usage error.</summary>
public static class LabelParser
{
    public static Dictionary<string, string>? Parse(IEnumerable<string>? values, string optionName)
    {
        Dictionary<string, string>? labels = null;
        foreach (var value in values ?? [])
        {
            var separator = value.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                throw CliException.Usage($"{optionName} must be key=value; '{value}' is not.");
            }

            (labels ??= new(StringComparer.Ordinal))[value[..separator]] = value[(separator + 1)..];
        }

        return labels;
    }
}
