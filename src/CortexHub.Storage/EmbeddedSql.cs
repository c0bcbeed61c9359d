using System.Reflection;
using System.Text.RegularExpressions;

namespace CortexHub.Storage;

/// <summary>
/// Loads SQL that backends embed in their assemblies: numbered migrations
/// (<c>Migrations/0001_name.sql</c>) and query files split by <c>-- name: QueryName</c> markers,
/// so each backend keeps one SQL file per area with the same operation names in every dialect.
/// </summary>
public static partial class EmbeddedSql
{
    /// <summary>Migrations embedded under <c>{assembly root namespace}.Migrations</c>, ordered by number.</summary>
    public static IReadOnlyList<SqlMigration> LoadMigrations(Assembly assembly)
    {
        var migrations = new List<SqlMigration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = MigrationName().Match(resource);
            if (match.Success)
            {
                migrations.Add(new SqlMigration(int.Parse(match.Groups["version"].Value), match.Groups["name"].Value, Read(assembly, resource)));
            }
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"Migrations of {assembly.GetName().Name} must be numbered 1, 2, 3…; found {migrations[i].Version} at position {i + 1}.");
            }
        }

        return migrations;
    }

    /// <summary>
    /// Refuses a database migrated past what this binary knows (a newer CortexHub wrote it): running
    /// old code on a newer schema could corrupt it. An older schema is simply migrated forward.
    /// </summary>
    /// <exception cref="StorageSchemaException">A migration this binary does not have was applied.</exception>
    public static void ThrowIfNewer(IReadOnlyDictionary<int, string> applied, IReadOnlyList<SqlMigration> known, string where)
    {
        var latest = known.Count == 0 ? 0 : known[^1].Version;
        var newer = applied.Where(m => m.Key > latest).OrderBy(m => m.Key).ToList();
        if (newer.Count > 0)
        {
            var (version, name) = (newer[^1].Key, newer[^1].Value);
            throw new StorageSchemaException(
                $"{where} is at migration {version} ({name}), newer than this binary's last, {latest} ({known[^1].Name}): it was written by a newer CortexHub. Run that version (or newer), or restore a backup taken before the upgrade.");
        }
    }

    /// <summary>
    /// Orleans' ADO.NET providers load their statements by key from <c>OrleansQuery</c> at start; a
    /// missing one otherwise surfaces later as an unrelated-looking failure.
    /// </summary>
    /// <exception cref="StorageSchemaException">A required key is missing.</exception>
    public static void ThrowIfMissingOrleansQueries(IEnumerable<string> present, IReadOnlyList<string> required, string where)
    {
        var missing = required.Except(present, StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw new StorageSchemaException(
                $"{where} lacks Orleans statements {string.Join(", ", missing)} in OrleansQuery (migration 6, 'orleans', writes them); the table was changed outside CortexHub's migrations.");
        }
    }

    /// <summary>Every named query of every embedded <c>Queries/*.sql</c> file.</summary>
    public static IReadOnlyDictionary<string, string> LoadQueries(Assembly assembly)
    {
        var queries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.Contains(".Queries.", StringComparison.Ordinal) && r.EndsWith(".sql", StringComparison.Ordinal)))
        {
            string? name = null;
            var body = new System.Text.StringBuilder();
            foreach (var line in Read(assembly, resource).Split('\n'))
            {
                var marker = QueryMarker().Match(line);
                if (marker.Success)
                {
                    Add(queries, name, body, resource);
                    name = marker.Groups["name"].Value;
                    body.Clear();
                }
                else if (name is not null)
                {
                    body.AppendLine(line.TrimEnd('\r'));
                }
            }

            Add(queries, name, body, resource);
        }

        return queries;
    }

    private static void Add(Dictionary<string, string> queries, string? name, System.Text.StringBuilder body, string resource)
    {
        if (name is not null && !queries.TryAdd(name, body.ToString().Trim()))
        {
            throw new InvalidOperationException($"Query '{name}' is defined twice (second time in {resource}).");
        }
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"\.Migrations\.(?<version>\d{4})_(?<name>[A-Za-z0-9_]+)\.sql$")]
    private static partial Regex MigrationName();

    [GeneratedRegex(@"^--\s*name:\s*(?<name>[A-Za-z0-9_]+)\s*$")]
    private static partial Regex QueryMarker();
}
