using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using CortexHub.Benchmarks.Gateway;
using CortexHub.Testing;

namespace CortexHub.Benchmarks.Suite;

/// <summary>A goal from issue 9 and the figure measured against it.</summary>
/// <param name="Limit">What bounds the figure, reported when the goal is missed.</param>
public sealed record Target(string Name, double Measured, double Goal, string Unit, bool HigherIsBetter, string Limit)
{
    public bool Met => Measured > 0 && (HigherIsBetter ? Measured >= Goal : Measured <= Goal);

    /// <summary>"met" or how far off, e.g. "missed by 31% (needs 1.4x)".</summary>
    public string Verdict => Measured <= 0 ? "not measured"
        : Met ? "met"
        : HigherIsBetter ? string.Create(CultureInfo.InvariantCulture, $"missed by {Percent(100 * (Goal - Measured) / Goal)}% (needs {Goal / Measured:F2}x)")
        : string.Create(CultureInfo.InvariantCulture, $"missed by {Percent(100 * (Measured - Goal) / Goal)}% ({Measured / Goal:F1}x the goal)");

    private static string Percent(double value) => value.ToString(value < 10 ? "F1" : "F0", CultureInfo.InvariantCulture);
}

/// <summary>One run of the standard suite, as written to JSON.</summary>
public sealed record SuiteRun(DateTimeOffset At, string Machine, double Minutes, IReadOnlyList<Measurement> Measurements, IReadOnlyList<Target> Targets, IReadOnlyList<FaultResult> Faults, IReadOnlyList<string> FailedSections);

/// <summary>
/// The standard suite: every scenario beside its baseline measured in the same run (an echo service
/// on grpc-dotnet for the transport, raw batched INSERTs and a raw SQL claim loop for the storage),
/// the fault scenarios with their reconciliations, then a JSON file, a Markdown summary with the
/// targets and the transport beside the hand-written stack's recorded figures, and SVG plots.
/// </summary>
public static class SuiteRunner
{
    /// <param name="only">Runs only the sections whose name contains this (for working on one scenario).</param>
    public static async Task<int> RunAsync(TimeSpan perScenario, string? only = null)
    {
        var clock = Stopwatch.StartNew();
        var measurements = new List<Measurement>();
        var faults = new List<FaultResult>();
        var failed = new List<string>();

        async Task Section(string name, Func<Task> run)
        {
            if (only is not null && !name.Contains(only, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            Console.WriteLine($"[suite {clock.Elapsed:mm\\:ss}] {name}");
            try
            {
                await run();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A broken section is reported (its targets read "not measured"), the rest still runs.
                Console.Error.WriteLine($"section '{name}' failed: {ex}");
                failed.Add($"{name}: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}");
            }
        }

        foreach (var kind in new[] { StorageKind.Sqlite, StorageKind.Postgres })
        {
            await Section($"ingest vs echo ({kind})", async () => measurements.AddRange(await GatewayBenchmark.RunAsync(kind, perScenario, 256)));
            await Section($"pool vs raw SQL loop ({kind})", async () => measurements.AddRange(await PoolBenchmark.RunAsync(kind, perScenario)));
            await Section($"dispatch round trip ({kind}, 1 silo)", async () => measurements.Add(await DispatchBenchmark.RunAsync(kind, 1, 300)));
        }

        await Section("dispatch round trip (postgres, 3 silos)", async () => measurements.Add(await DispatchBenchmark.RunAsync(StorageKind.Postgres, 3, 300)));
        await Section("10,000 idle nodes on one silo process", async () => measurements.AddRange(await RegistryBenchmark.RunAsync(StorageKind.Sqlite, 10_000, perScenario)));
        await Section("fault: SIGKILL a silo holding 1,000 nodes", async () => faults.Add(await Fault("SIGKILL a silo holding 1,000 nodes", () => FaultScenarios.SiloKilledWithThousandNodesAsync())));
        await Section("fault: PostgreSQL restart under load", async () => faults.Add(await Fault("PostgreSQL restart under load", FaultScenarios.PostgresRestartAsync)));
        await Section("fault: slow storage", async () => faults.Add(await Fault("slow storage", () => FaultScenarios.SlowStorageAsync(StorageKind.Postgres))));

        var run = new SuiteRun(DateTimeOffset.UtcNow, Machine(), clock.Elapsed.TotalMinutes, measurements, Targets(measurements, faults), faults, failed);
        var output = Path.Combine(RepoPaths.Root, "artifacts", "bench", "suite");
        var stamp = run.At.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        await WriteAsync(run, output, $"run-{stamp}.json");
        if (only is not null)
        {
            Console.WriteLine($"written: {output} (a partial run: tests/CortexHub.Benchmarks/results keeps the last full run)");
        }
        else
        {
            // The latest full run's summary and plots are kept in the repository (the README links them).
            await WriteAsync(run, KeptResults, "latest.json");
            Console.WriteLine($"written: {output} (run-{stamp}.json, summary.md, throughput.svg, latency.svg) and {KeptResults}");
        }

        return faults.All(f => f.Passed) && failed.Count == 0 ? 0 : 1;
    }

    private static string KeptResults => Path.Combine(RepoPaths.Root, "tests", "CortexHub.Benchmarks", "results");

    /// <summary>
    /// Renders a recorded run again (targets, summary, plots) next to its JSON, without measuring:
    /// for when the report's format changes.
    /// </summary>
    public static async Task<int> RenderAsync(string jsonPath)
    {
        var recorded = JsonSerializer.Deserialize<SuiteRun>(await File.ReadAllTextAsync(jsonPath))
            ?? throw new InvalidDataException($"{jsonPath} is not a suite run.");
        var run = recorded with { Targets = Targets([.. recorded.Measurements], [.. recorded.Faults]) };
        await WriteAsync(run, Path.GetDirectoryName(Path.GetFullPath(jsonPath))!, Path.GetFileName(jsonPath));
        return 0;
    }

    private static async Task WriteAsync(SuiteRun run, string directory, string jsonName)
    {
        Directory.CreateDirectory(directory);
        var files = new Dictionary<string, string>
        {
            [jsonName] = JsonSerializer.Serialize(run, new JsonSerializerOptions { WriteIndented = true }),
            ["summary.md"] = Summary(run),
            ["throughput.svg"] = ThroughputChart([.. run.Measurements]),
            ["latency.svg"] = LatencyChart([.. run.Measurements]),
        };
        foreach (var (name, text) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(directory, name), text);
        }

        Console.WriteLine(files["summary.md"]);
    }

    /// <summary>A fault scenario whose setup failed is a failed scenario in the report, not a crash of the suite.</summary>
    private static async Task<FaultResult> Fault(string scenario, Func<Task<FaultResult>> run)
    {
        try
        {
            return await run();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"{scenario} failed: {ex}");
            return new FaultResult(scenario, false, $"{ex.GetType().Name}: {ex.Message.Split('\n')[0]}", []);
        }
    }

    private static IReadOnlyList<Target> Targets(List<Measurement> all, List<FaultResult> faults)
    {
        var targets = new List<Target>();
        foreach (var backend in new[] { "sqlite", "postgres" })
        {
            var echo = TransportLimit(all, backend);
            var ingest = Pipelined(all, GatewayBenchmark.GatewayPrefix, backend);
            var rawInsert = Find(all, m => m.Backend == backend && m.Scenario.StartsWith("raw batched INSERT", StringComparison.Ordinal));
            targets.Add(new Target($"durable ingest / transport limit ({backend}, 100 streams)", Ratio(ingest, echo), 0.5, "ratio", true,
                "each event is journaled durably before its ack: one group-committed write per stream batch, on 2 cores shared with the load generator"
                + (rawInsert is null || ingest is null ? "" : string.Create(CultureInfo.InvariantCulture,
                    $"; the storage limit (raw batched INSERTs of the same rows, same run) is {Number(rawInsert.PerSecond)} rows/s, {Ratio(rawInsert, echo):F2} of the transport limit, and ingest reaches {Ratio(ingest, rawInsert):F2} of it"))));

            var raw = Find(all, m => m.Backend == backend && m.Scenario.StartsWith("raw SQL", StringComparison.Ordinal));
            var pool = Find(all, m => m.Backend == backend && m.Scenario.StartsWith("pool claim+complete, 1 silo", StringComparison.Ordinal));
            targets.Add(new Target($"pool claims / raw SKIP LOCKED loop ({backend}, 1 silo)", Ratio(pool, raw), 0.7, "ratio", true,
                "per item: a claim with priority, label and owner filters, a grain turn and a term-checked outcome, versus two bare statements in the raw loop"));
            targets.Add(new Target($"pool claims+completions per second ({backend}, 1 silo)", pool?.PerSecond ?? 0, 10_000, "/s", true,
                string.Create(CultureInfo.InvariantCulture, $"the database on this 2-core machine: the raw SKIP LOCKED loop on it reached {Number(raw?.PerSecond ?? 0)}/s in the same run")));

            var dispatch = Find(all, m => m.Backend == backend && m.Scenario.StartsWith("dispatch round trip", StringComparison.Ordinal) && m.Scenario.Contains("same silo"));
            targets.Add(new Target($"dispatch p99, one silo ({backend})", dispatch?.P99Ms ?? 0, 5, "ms", false,
                "before the node sees the task: the new task grain's state is read and written, then its outbox row (beside its listing) is written and the dispatch handed to the node's stream in memory, on a store shared with the previous task's completion writes"));
        }

        var pool3 = Find(all, m => m.Backend == "postgres" && m.Scenario.StartsWith("pool claim+complete, 3 silo", StringComparison.Ordinal));
        targets.Add(new Target("pool claims / raw SKIP LOCKED loop (postgres, 3 silos)", pool3?.Extra.GetValueOrDefault("% of raw loop") / 100 ?? 0, 1.0, "ratio", true,
            "three silos' work (each its own claim statements, grain turns and outcome batches, so smaller batches) on the same 2 cores as the database"));

        var across = Find(all, m => m.Scenario.StartsWith("dispatch round trip", StringComparison.Ordinal) && m.Scenario.Contains("3 silos"));
        targets.Add(new Target("dispatch p99 across silos (postgres, 3 silos)", across?.P99Ms ?? 0, 10, "ms", false,
            "the API's silo hops to the node's silo, where the task grain is placed: one grain call there and one back, beside the same writes as on one silo"));
        foreach (var (gc, setting) in new[] { ("server GC", "the silo's default"), ("workstation GC", "DOTNET_gcServer=0") })
        {
            var idle = Find(all, m => m.Extra.ContainsKey("KiB RSS per connected node") && m.Scenario.Contains(gc, StringComparison.Ordinal));
            targets.Add(new Target($"memory per idle connected node (10,000 nodes, {gc}: {setting})", idle?.Extra["KiB RSS per connected node"] ?? 0, 32, "KiB", false,
                "Kestrel's per-connection HTTP/2 buffers and the session's channels, plus the server GC's larger per-core allocation budgets"));
        }
        var recovery = faults.FirstOrDefault(f => f.Figures.ContainsKey("seconds until all nodes re-attached"));
        targets.Add(new Target("all nodes re-attached after SIGKILL of a silo holding 1,000", recovery?.Figures["seconds until all nodes re-attached"] ?? 0, 5, "s", false,
            "the dead silo's node and task grains answer only once Orleans declares it dead (about 2 s); then every reconnect activates its node grain and task grain from the database"));
        return targets;
    }

    private static Measurement? Find(List<Measurement> all, Func<Measurement, bool> match) => all.FirstOrDefault(match);

    /// <summary>The gateway benchmark's pipelined run with 100 streams of <paramref name="target"/> (a scenario prefix of <see cref="GatewayBenchmark"/>) on a backend.</summary>
    private static Measurement? Pipelined(List<Measurement> all, string target, string backend) =>
        Find(all, m => m.Scenario.StartsWith($"{target} ({backend})", StringComparison.Ordinal) && m.Scenario.Contains("pipelined") && m.Scenario.EndsWith("100 stream(s)", StringComparison.Ordinal));

    /// <summary>
    /// The echo service's pipelined run with 100 streams: on grpc-dotnet, or in runs recorded before
    /// it (rendered again with <c>--render</c>) on the hand-written stack, whose rows were named "echo".
    /// </summary>
    private static Measurement? TransportLimit(List<Measurement> all, string backend) =>
        Pipelined(all, GatewayBenchmark.EchoPrefix, backend) ?? Pipelined(all, "echo", backend);

    private static double Ratio(Measurement? a, Measurement? b) => a is null || b is null || b.PerSecond <= 0 ? 0 : a.PerSecond / b.PerSecond;

    private static string Summary(SuiteRun run)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Benchmark suite, {run.At:yyyy-MM-dd HH:mm} UTC").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {run.Machine}. Whole suite: {run.Minutes:F1} min.").AppendLine();
        foreach (var section in run.FailedSections)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"**Section failed:** {section}").AppendLine();
        }

        md.AppendLine("## Targets").AppendLine();
        md.AppendLine("| target | measured | goal | verdict | what limits it |").AppendLine("|---|---:|---:|---|---|");
        foreach (var t in run.Targets)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {t.Name} | {Number(t.Measured)} {t.Unit} | {(t.HigherIsBetter ? "≥" : "≤")} {Number(t.Goal)} {t.Unit} | {t.Verdict} | {(t.Met ? "" : t.Limit)} |");
        }

        AppendTransport(md, run.Measurements);
        md.AppendLine().AppendLine("## Faults (each ends with a reconciliation)").AppendLine();
        md.AppendLine("| scenario | result | figures |").AppendLine("|---|---|---|");
        foreach (var f in run.Faults)
        {
            var figures = string.Join(", ", f.Figures.Select(e => $"{e.Key} {Number(e.Value)}"));
            md.AppendLine(CultureInfo.InvariantCulture, $"| {f.Scenario} | {(f.Passed ? "passed" : "FAILED")}: {f.Detail} | {figures} |");
        }

        md.AppendLine().AppendLine("## All figures").AppendLine();
        md.AppendLine("| backend | scenario | ops/s | p50 ms | p99 ms | other |").AppendLine("|---|---|---:|---:|---:|---|");
        foreach (var m in run.Measurements)
        {
            var extra = string.Join(", ", m.Extra.Select(e => $"{e.Key} {Number(e.Value)}"));
            md.AppendLine(CultureInfo.InvariantCulture, $"| {m.Backend} | {m.Scenario} | {(m.Operations > 0 ? Number(m.PerSecond) : "-")} | {(m.P50Ms > 0 ? m.P50Ms.ToString("F2", CultureInfo.InvariantCulture) : "-")} | {(m.P99Ms > 0 ? m.P99Ms.ToString("F2", CultureInfo.InvariantCulture) : "-")} | {extra} |");
        }

        md.AppendLine().AppendLine("Plots: [throughput.svg](throughput.svg), [latency.svg](latency.svg).");
        return md.ToString();
    }

    /// <summary>
    /// The transport limit measured in this run (the echo service on grpc-dotnet) beside the
    /// hand-written stack's figures recorded on 2026-12-07, which are not re-measured.
    /// </summary>
    private static void AppendTransport(StringBuilder md, IReadOnlyList<Measurement> all)
    {
        var echoes = all.Where(m => m.Scenario.StartsWith(GatewayBenchmark.EchoPrefix, StringComparison.Ordinal)).ToList();
        if (echoes.Count == 0)
        {
            return;
        }

        md.AppendLine().AppendLine("## Transport limit: grpc-dotnet echo (this run) beside the hand-written stack (recorded)").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"The right-hand columns are copied from the {HandWrittenStackRecord.Label}: the hand-written stack no longer exists, so they are a reference, not a measurement of this run.");
        foreach (var backend in new[] { "sqlite", "postgres" })
        {
            // The storage baseline involves no gRPC: its change between the runs is the machine's, not the transport's.
            var rawInsert = Find([.. all], m => m.Backend == backend && m.Scenario.StartsWith("raw batched INSERT", StringComparison.Ordinal));
            if (rawInsert is not null && HandWrittenStackRecord.RawInsertPerSecond(backend) is { } recordedRawInsert)
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"Machine state ({backend} section): the raw batched INSERT baseline, which runs no gRPC, reached {Number(rawInsert.PerSecond)} rows/s in this run against {Number(recordedRawInsert)} in the recorded one ({rawInsert.PerSecond / recordedRawInsert:F2}x).");
            }
        }

        md.AppendLine();
        md.AppendLine("| echo scenario | grpc-dotnet ops/s | p50 ms | p99 ms | hand-written ops/s (recorded) | p50 ms | p99 ms | grpc-dotnet / hand-written |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var echo in echoes)
        {
            var recorded = HandWrittenStackRecord.CounterpartOf(echo);
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| echo{echo.Scenario[GatewayBenchmark.EchoPrefix.Length..]} | {Number(echo.PerSecond)} | {Latency(echo.P50Ms)} | {Latency(echo.P99Ms)} | {(recorded is null ? "-" : Number(recorded.PerSecond))} | {Latency(recorded?.P50Ms ?? 0)} | {Latency(recorded?.P99Ms ?? 0)} | {(recorded is null ? "-" : (echo.PerSecond / recorded.PerSecond).ToString("F2", CultureInfo.InvariantCulture))} |");
        }
    }

    private static string Latency(double ms) => ms > 0 ? ms.ToString("F2", CultureInfo.InvariantCulture) : "-";

    private static string ThroughputChart(List<Measurement> all)
    {
        var chart = new SvgBarChart("Throughput: CortexHub beside its baseline, same run", "operations/s", ["CortexHub", "baseline"], logScale: true);
        foreach (var backend in new[] { "sqlite", "postgres" })
        {
            var echo = TransportLimit(all, backend);
            var ingest = Pipelined(all, GatewayBenchmark.GatewayPrefix, backend);
            chart.Add($"{backend}: durable ingest vs echo (100 streams)", ingest?.PerSecond ?? 0, echo?.PerSecond ?? 0);
            if (echo is not null && HandWrittenStackRecord.CounterpartOf(echo) is { } recorded)
            {
                chart.Add($"{backend}: grpc-dotnet echo vs hand-written echo (recorded 2026-12-07)", echo.PerSecond, recorded.PerSecond);
            }

            var rawInsert = Find(all, m => m.Backend == backend && m.Scenario.StartsWith("raw batched INSERT", StringComparison.Ordinal));
            chart.Add($"{backend}: durable ingest vs raw batched INSERT", ingest?.PerSecond ?? 0, rawInsert?.PerSecond ?? 0);
            // Each pool run beside the raw loop measured just before it, on the same database.
            Measurement? raw = null;
            foreach (var m in all.Where(m => m.Backend == backend))
            {
                if (m.Scenario.StartsWith("raw SQL", StringComparison.Ordinal))
                {
                    raw = m;
                }
                else if (m.Scenario.StartsWith("pool claim+complete", StringComparison.Ordinal))
                {
                    chart.Add($"{backend}: {m.Scenario.Split(" (")[0].Replace("1 silo(s)", "1 silo", StringComparison.Ordinal).Replace("silo(s)", "silos", StringComparison.Ordinal)} vs raw SQL loop", m.PerSecond, raw?.PerSecond ?? 0);
                }
            }
        }

        return chart.Render();
    }

    private static string LatencyChart(List<Measurement> all)
    {
        var chart = new SvgBarChart("Latency percentiles", "ms", ["p50", "p99"]);
        foreach (var m in all.Where(m => m.P99Ms > 0 && (m.Scenario.StartsWith("dispatch", StringComparison.Ordinal) || m.Scenario.StartsWith("submit-to-claim", StringComparison.Ordinal)
            || (m.Scenario.Contains("ping-pong") && m.Scenario.EndsWith("1 stream(s)", StringComparison.Ordinal)))))
        {
            var scenario = m.Scenario.Replace(": API POST to Dispatch on the node's stream", "", StringComparison.Ordinal).Replace(" than the node's", "", StringComparison.Ordinal);
            var label = scenario.Length > 60 ? scenario[..57] + "..." : scenario;
            var prefix = m.Backend == "-" ? "" : m.Backend == HandWrittenStackRecord.Label ? "recorded 2026-12-07: " : m.Backend + ": ";
            chart.Add(prefix + label, m.P50Ms, m.P99Ms);
        }

        return chart.Render();
    }

    private static string Number(double value) => value switch
    {
        >= 100 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("F1", CultureInfo.InvariantCulture),
        _ => value.ToString("F2", CultureInfo.InvariantCulture),
    };

    private static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() : null;
        var memory = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] : "0";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores ({cpu ?? "unknown CPU"}), {long.Parse(memory, CultureInfo.InvariantCulture) / 1048576.0:F0} GiB, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
    }
}
