using System.Text.RegularExpressions;

namespace CortexHub.Cli.Commands;

/// <summary>
/// Joins arguments into one bash command line that runs exactly them: a word of only safe characters stays
/// as it is, anything else is single-quoted (a quote inside becomes <c>'\''</c>), so nothing is expanded twice.
/// </summary>
public static partial class ShellQuote
{
    public static string Join(IEnumerable<string> args) => string.Join(' ', args.Select(Quote));

    public static string Quote(string arg) =>
        arg.Length > 0 && SafeWord().IsMatch(arg) ? arg : "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [GeneratedRegex("^[A-Za-z0-9_@%+=:,./-]+$")]
    private static partial Regex SafeWord();
}
