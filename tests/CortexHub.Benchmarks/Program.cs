using System.Globalization;
using System.Text;
using System.Text.Json;
using CortexHub.Benchmarks;
using CortexHub.Benchmarks.Gateway;
using CortexHub.Testing;

// Usage:
//   dotnet run -c Release --project tests/CortexHub.Benchmarks -- runtime [--backend sqlite|postgres|both] [--seconds N]
//   dotnet run -c Release --project tests/CortexHub.Benchmarks -- gateway [--backend ...] [--seconds N] [--payload BYTES]
//   dotnet run -c Release --project tests/CortexHub.Benchmarks -- pool [--backend ...] [--seconds N]
//   dotnet run -c Release --project tests/CortexHub.Benchmarks -- suite [--seconds N] [--only SECTION]
//   dotnet run -c Release --project tests/CortexHub.Benchmarks -- suite --render RUN.json   (summary and plots again, no measuring)
//     the standard suite: every scenario beside its baseline, fault scenarios with reconciliation,
//     JSON + Markdown + SVG plots in artifacts/bench/suite (latest copy in tests/CortexHub.Benchmarks/results)
// PostgreSQL: the server named by CORTEXHUB_TEST_PG, else a throwaway one started from Debian's packages.
var suite = args.FirstOrDefault();
if (suite is not ("suite" or "runtime" or "gateway" or "journal" or "registry" or "pool"))
{
    Console.Error.WriteLine("usage: CortexHub.Benchmarks suite|runtime|gateway|journal|registry|pool [--backend sqlite|postgres|both] [--seconds N] [--payload BYTES] [--nodes N]");
    return 2;
}

if (suite == "suite" && Option("--render") is { } recorded)
{
    return await CortexHub.Benchmarks.Suite.SuiteRunner.RenderAsync(recorded);
}

if (suite == "suite")
{
    return await CortexHub.Benchmarks.Suite.SuiteRunner.RunAsync(TimeSpan.FromSeconds(int.Parse(Option("--seconds") ?? "3", CultureInfo.InvariantCulture)), Option("--only"));
}

var backend = Option("--backend") ?? "both";
var seconds = int.Parse(Option("--seconds") ?? "5", CultureInfo.InvariantCulture);
var payload = int.Parse(Option("--payload") ?? "256", CultureInfo.InvariantCulture);
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
    results.AddRange(suite switch
    {
        "runtime" => await RuntimeBenchmark.RunAsync(kind, TimeSpan.FromSeconds(seconds)),
        "gateway" => await GatewayBenchmark.RunAsync(kind, TimeSpan.FromSeconds(seconds), payload),
        "pool" => await PoolBenchmark.RunAsync(kind, TimeSpan.FromSeconds(seconds)),
        "registry" => await RegistryBenchmark.RunAsync(kind, int.Parse(Option("--nodes") ?? "10000", CultureInfo.InvariantCulture), TimeSpan.FromSeconds(seconds)),
        _ => await JournalBenchmark.RunAsync(kind, TimeSpan.FromSeconds(seconds)),
    });
}

var table = new StringBuilder()
    .AppendLine($"{suite}, 1 silo, {Environment.ProcessorCount} cores, {seconds} s per scenario ({DateTime.UtcNow:yyyy-MM-dd})")
    .AppendLine()
    .AppendLine("| backend | scenario | ops/s | p50 ms | p99 ms | other |")
    .AppendLine("|---|---|---:|---:|---:|---|");
foreach (var m in results)
{
    var extra = string.Join(", ", m.Extra.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key} {e.Value:N1}")));
    table.AppendLine(CultureInfo.InvariantCulture, $"| {m.Backend} | {m.Scenario} | {(m.Operations > 0 ? m.PerSecond.ToString("N0", CultureInfo.InvariantCulture) : "-")} | {(m.P50Ms > 0 ? m.P50Ms.ToString("F3", CultureInfo.InvariantCulture) : "-")} | {(m.P99Ms > 0 ? m.P99Ms.ToString("F3", CultureInfo.InvariantCulture) : "-")} | {extra} |");
}

var output = Path.Combine(RepoPaths.Root, "artifacts", "bench");
Directory.CreateDirectory(output);
await File.WriteAllTextAsync(Path.Combine(output, $"{suite}.json"), JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
await File.WriteAllTextAsync(Path.Combine(output, $"{suite}.md"), table.ToString());
Console.WriteLine(table);
return 0;

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
