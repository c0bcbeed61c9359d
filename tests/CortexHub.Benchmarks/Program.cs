using System.Globalization;
using System.Text;
using System.Text.Json;
using CortexHub.Benchmarks;
using CortexHub.Testing;

// Usage: dotnet run -c Release --project tests/CortexHub.Benchmarks -- runtime [--backend sqlite|postgres|both] [--seconds N]
// PostgreSQL: the server named by CORTEXHUB_TEST_PG, else a throwaway one started from Debian's packages.
if (args.Length == 0 || args[0] != "runtime")
{
    Console.Error.WriteLine("usage: CortexHub.Benchmarks runtime [--backend sqlite|postgres|both] [--seconds N]");
    return 2;
}

var backend = Option("--backend") ?? "both";
var seconds = int.Parse(Option("--seconds") ?? "5", CultureInfo.InvariantCulture);
StorageKind[] backends = backend switch
{
    "sqlite" => [StorageKind.Sqlite],
    "postgres" => [StorageKind.Postgres],
    "both" => [StorageKind.Sqlite, StorageKind.Postgres],
    _ => throw new ArgumentException($"--backend must be sqlite, postgres or both (got '{backend}')."),
};

var results = new List<Measurement>();
foreach (var kind in backends)
{
    results.AddRange(await RuntimeBenchmark.RunAsync(kind, TimeSpan.FromSeconds(seconds)));
}

var table = new StringBuilder()
    .AppendLine($"Grain runtime, 1 silo, {Environment.ProcessorCount} cores, {seconds} s per scenario ({DateTime.UtcNow:yyyy-MM-dd})")
    .AppendLine()
    .AppendLine("| backend | scenario | calls/s | p50 ms | p99 ms |")
    .AppendLine("|---|---|---:|---:|---:|");
foreach (var m in results)
{
    table.AppendLine(CultureInfo.InvariantCulture, $"| {m.Backend} | {m.Scenario} | {m.PerSecond:N0} | {m.P50Ms:F3} | {m.P99Ms:F3} |");
}

var output = Path.Combine(RepoPaths.Root, "artifacts", "bench");
Directory.CreateDirectory(output);
await File.WriteAllTextAsync(Path.Combine(output, "runtime.json"), JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
await File.WriteAllTextAsync(Path.Combine(output, "runtime.md"), table.ToString());
Console.WriteLine(table);
return 0;

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
