using CortexHub.Cli.Api;

namespace CortexHub.Cli.Commands;

/// <summary>
/// Task ids as git takes commit ids: a whole id, or a prefix that starts exactly one task's id. The hub finds the
/// candidates (<c>GET /tasks?idPrefix=</c>, a bounded lookup); an ambiguous prefix lists them and exits 2.
/// </summary>
public static class TaskIds
{
    /// <summary>Candidates listed for an ambiguous prefix.</summary>
    public const int MaxCandidates = 10;

    /// <summary>
    /// The one task id <paramref name="idOrPrefix"/> names. When no task starts with it, it is returned as given, so
    /// the caller's own request answers "not found" in the usual way.
    /// </summary>
    public static async Task<string> ResolveAsync(HubClient client, string idOrPrefix, CancellationToken cancellationToken)
    {
        var listed = await client.FindTasksByIdPrefixAsync(idOrPrefix, MaxCandidates + 1, cancellationToken).ConfigureAwait(false);
        // Filtered again here: a hub without prefix lookups answers with its newest tasks instead.
        var candidates = listed.Value.Select(t => t.TaskId).Where(id => id.StartsWith(idOrPrefix, StringComparison.Ordinal)).ToList();
        if (candidates.Count <= 1 || candidates.Contains(idOrPrefix))
        {
            return candidates.Count == 1 ? candidates[0] : idOrPrefix;
        }

        var count = candidates.Count > MaxCandidates ? $"more than {MaxCandidates}" : candidates.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        throw new CliException(ExitCodes.UsageError,
            $"task id prefix '{idOrPrefix}' is ambiguous: {count} tasks start with it; give more of the id:" +
            string.Concat(candidates.Take(MaxCandidates).Select(id => "\n  " + id)));
    }
}
