using System.Globalization;

namespace CortexHub.Cli.Output;

/// <summary>
/// One line for a task's progress: <c>[########      ]  42% message</c>, or <c>[&lt;=&gt;   ]      message</c> when the
/// fraction is unknown (negative), cut to fit the terminal.
/// </summary>
public static class ProgressBar
{
    /// <summary>Characters between the brackets.</summary>
    public const int Width = 30;

    public static string Render(double fraction, string? message, int columns)
    {
        string bar;
        string percent;
        if (fraction is >= 0)
        {
            bar = new string('#', Part(fraction, Width)).PadRight(Width);
            percent = Percent(fraction)!;
        }
        else
        {
            bar = "<=>".PadRight(Width);
            percent = "";
        }

        var line = $"[{bar}] {percent,4} {Formats.OneLine(message ?? "")}".TrimEnd();
        // One column short of the width, so the terminal never wraps the line it redraws.
        var fit = Math.Max(columns - 1, Width + 2);
        return line.Length <= fit ? line : line[..(fit - 1)] + "…";
    }

    /// <summary>"42%", or null when the fraction is unknown (negative).</summary>
    public static string? Percent(double fraction) =>
        fraction is >= 0 ? Part(fraction, 100).ToString(CultureInfo.InvariantCulture) + "%" : null;

    // A hair above the fraction, so that 0.29 (28.999… in binary) counts as 29 of 100.
    private static int Part(double fraction, int whole) => (int)Math.Floor(Math.Min(fraction, 1) * whole + 1e-9);
}
