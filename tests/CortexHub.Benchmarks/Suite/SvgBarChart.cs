using System.Globalization;
using System.Net;
using System.Text;

namespace CortexHub.Benchmarks.Suite;

/// <summary>
/// A horizontal bar chart as a standalone SVG file (no plotting library is available here): one
/// row per label, one bar per series, values printed at the bar ends, a linear or log10 axis.
/// </summary>
public sealed class SvgBarChart(string title, string unit, IReadOnlyList<string> series, bool logScale = false)
{
    private static readonly string[] Colours = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759"];
    private readonly List<(string Label, double[] Values)> _rows = [];

    public SvgBarChart Add(string label, params double[] values)
    {
        _rows.Add((label, values));
        return this;
    }

    public string Render()
    {
        const int labelWidth = 420, plotWidth = 420, barHeight = 14, gap = 10, top = 50;
        var rowHeight = series.Count * barHeight + gap;
        var height = top + _rows.Count * rowHeight + 30;
        var max = Math.Max(1e-9, _rows.SelectMany(r => r.Values).DefaultIfEmpty(1).Max());
        double Scale(double v) => v <= 0 ? 0
            : logScale ? plotWidth * Math.Max(0, Math.Log10(v) + 1) / (Math.Log10(max) + 1)
            : plotWidth * v / max;

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{labelWidth + plotWidth + 120}" height="{height}" font-family="sans-serif" font-size="12">""").AppendLine();
        svg.Append(CultureInfo.InvariantCulture, $"""<rect width="100%" height="100%" fill="white"/><text x="10" y="20" font-size="15" font-weight="bold">{Escape(title)}</text>""").AppendLine();
        for (var s = 0; s < series.Count; s++)
        {
            svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{10 + s * 150}" y="30" width="12" height="12" fill="{Colours[s % Colours.Length]}"/><text x="{26 + s * 150}" y="40">{Escape(series[s])}</text>""").AppendLine();
        }

        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{labelWidth + plotWidth}" y="40" text-anchor="end" fill="#555">{Escape(unit)}{(logScale ? " (log scale)" : "")}</text>""").AppendLine();
        for (var r = 0; r < _rows.Count; r++)
        {
            var y = top + r * rowHeight;
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{labelWidth - 8}" y="{y + rowHeight / 2.0 - 2:F0}" text-anchor="end">{Escape(_rows[r].Label)}</text>""").AppendLine();
            for (var s = 0; s < _rows[r].Values.Length; s++)
            {
                var value = _rows[r].Values[s];
                var width = Scale(value);
                var by = y + s * barHeight;
                svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{labelWidth}" y="{by}" width="{width:F1}" height="{barHeight - 2}" fill="{Colours[s % Colours.Length]}"/>""");
                svg.Append(CultureInfo.InvariantCulture, $"""<text x="{labelWidth + width + 4:F1}" y="{by + barHeight - 4}" fill="#333">{Format(value)}</text>""").AppendLine();
            }
        }

        svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{labelWidth}" y1="{top - 4}" x2="{labelWidth}" y2="{height - 24}" stroke="#999"/>""").AppendLine();
        return svg.AppendLine("</svg>").ToString();
    }

    private static string Format(double value) => value switch
    {
        >= 100 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 1 => value.ToString("F1", CultureInfo.InvariantCulture),
        _ => value.ToString("F2", CultureInfo.InvariantCulture),
    };

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
