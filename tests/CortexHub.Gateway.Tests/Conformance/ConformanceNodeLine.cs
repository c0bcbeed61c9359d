namespace CortexHub.Gateway.Tests.Conformance;

/// <summary>One line the conformance node printed: <c>what key=value … [detail=rest of line]</c>.</summary>
public sealed record ConformanceNodeLine(string What, IReadOnlyDictionary<string, string> Fields, string Raw)
{
    public static ConformanceNodeLine Parse(string line)
    {
        var detailAt = line.IndexOf(" detail=", StringComparison.Ordinal);
        var head = detailAt < 0 ? line : line[..detailAt];
        var words = head.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var fields = words.Skip(1).Select(w => w.Split('=', 2)).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
        if (detailAt >= 0)
        {
            fields["detail"] = line[(detailAt + " detail=".Length)..];
        }

        return new ConformanceNodeLine(words.FirstOrDefault() ?? "", fields, line);
    }

    public string this[string key] => Fields.TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"No '{key}' in: {Raw}");

    public long Long(string key) => long.Parse(this[key], System.Globalization.CultureInfo.InvariantCulture);

    public bool Is(string what, string? task = null) => What == what && (task is null || Fields.GetValueOrDefault("task") == task);
}
