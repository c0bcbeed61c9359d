using System.Globalization;

namespace CortexHub.Cli.Output;

/// <summary>How values read in tables: ages ("12s ago"), times, labels, durations.</summary>
public static class Formats
{
    /// <summary>"just now", "42s ago", "5m ago", "3h ago", "2d ago"; "never" for null.</summary>
    public static string Age(DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } time)
        {
            return "never";
        }

        var age = now - time;
        return age.TotalSeconds switch
        {
            < 1 => "just now",
            < 60 => $"{(int)age.TotalSeconds}s ago",
            < 3600 => $"{(int)age.TotalMinutes}m ago",
            < 86400 => $"{(int)age.TotalHours}h ago",
            _ => $"{(int)age.TotalDays}d ago",
        };
    }

    /// <summary>A local time to the second, e.g. 2026-11-21 14:03:07.</summary>
    public static string Time(DateTimeOffset? at) =>
        at is { } time ? time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "-";

    /// <summary>"gpu=1,zone=a" (sorted by key), or "-".</summary>
    public static string Labels(IReadOnlyDictionary<string, string>? labels) =>
        labels is { Count: > 0 } ? string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) : "-";

    /// <summary>"950ms", "42s", "5m03s", "3h12m".</summary>
    public static string Duration(TimeSpan duration) => duration.TotalSeconds switch
    {
        < 1 => $"{(int)duration.TotalMilliseconds}ms",
        < 60 => $"{(int)duration.TotalSeconds}s",
        < 3600 => $"{(int)duration.TotalMinutes}m{duration.Seconds:00}s",
        _ => $"{(int)duration.TotalHours}h{duration.Minutes:00}m",
    };

    /// <summary>Text cut to <paramref name="max"/> characters with an ellipsis.</summary>
    public static string Shorten(string? text, int max) =>
        text is null ? "-" : text.Length <= max ? text : text[..(max - 1)] + "…";

    /// <summary>The text on one line: control characters (newlines, escapes) become spaces, so columns and redrawn lines hold.</summary>
    public static string OneLine(string text) =>
        text.Any(char.IsControl) ? new string([.. text.Select(c => char.IsControl(c) ? ' ' : c)]) : text;
}
