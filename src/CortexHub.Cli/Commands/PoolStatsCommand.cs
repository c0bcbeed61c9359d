using System.CommandLine;
using System.Globalization;
using CortexHub.Cli.Output;

namespace CortexHub.Cli.Commands;

/// <summary><c>cortex pool stats</c>: items per state, queue depth per priority, claims per node, the oldest wait.</summary>
public static class PoolStatsCommand
{
    private static readonly string[] States = ["available", "claimed", "done", "dead", "cancelled"];

    public static Command Create(GlobalOptions global, CliContext context)
    {
        var command = new Command("stats", "Show pool counts and queue depth.");
        return command.WithAction(global, context, async (invocation, cancellationToken) =>
        {
            using var client = invocation.Connect();
            var stats = await client.GetPoolStatsAsync(cancellationToken).ConfigureAwait(false);
            if (invocation.Json)
            {
                JsonOutput.Write(invocation.Out, stats.Json);
                return ExitCodes.Ok;
            }

            var value = stats.Value;
            var counts = new Dictionary<string, long>(value.Counts ?? new Dictionary<string, long>(), StringComparer.OrdinalIgnoreCase);
            var table = new TableWriter("state", "items");
            foreach (var state in States.Concat(counts.Keys.Where(k => !States.Contains(k, StringComparer.OrdinalIgnoreCase))))
            {
                table.Add(state, counts.GetValueOrDefault(state).ToString(CultureInfo.InvariantCulture));
            }

            table.Write(invocation.Out);
            invocation.Out.WriteLine();
            invocation.Out.WriteLine($"oldest available: {(value.OldestAvailableAge is { } age ? Formats.Duration(age) : "-")}");
            invocation.Out.WriteLine($"available by priority: {Pairs(value.DepthByPriority, byNumber: true)}");
            invocation.Out.WriteLine($"claimed by node: {Pairs(value.InFlightByNode, byNumber: false)}");
            return ExitCodes.Ok;
        });
    }

    private static string Pairs(IReadOnlyDictionary<string, long>? pairs, bool byNumber)
    {
        if (pairs is not { Count: > 0 })
        {
            return "-";
        }

        var ordered = byNumber
            ? pairs.OrderByDescending(p => long.TryParse(p.Key, out var n) ? n : long.MinValue)
            : pairs.OrderBy(p => p.Key, StringComparer.Ordinal);
        return string.Join(", ", ordered.Select(p => $"{p.Key}={p.Value}"));
    }
}
