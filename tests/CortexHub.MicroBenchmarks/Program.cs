using BenchmarkDotNet.Running;
using CortexHub.MicroBenchmarks;

// Usage (from the repository root; Release is required, BenchmarkDotNet refuses unoptimised code):
//   dotnet run -c Release --project tests/CortexHub.MicroBenchmarks -- --quick
//       every benchmark, one short in-process job (about a minute on 2 cores): a smoke run.
//   dotnet run -c Release --project tests/CortexHub.MicroBenchmarks
//       every benchmark with BenchmarkDotNet's default job (own process, as many iterations as it takes).
// Any other BenchmarkDotNet option passes through, e.g. --filter '*AnsiStrip*' or --list flat.
// Reports (GitHub markdown + JSON) go to artifacts/bench/micro/results/.
var quick = args.Contains(MicroBenchmarkConfig.QuickSwitch, StringComparer.Ordinal);
var rest = args.Where(a => a != MicroBenchmarkConfig.QuickSwitch).ToList();

// Without a filter BenchmarkSwitcher asks interactively which benchmark to run; run them all instead.
if (!rest.Any(a => a is "--filter" or "-f" || a.StartsWith("--filter=", StringComparison.Ordinal))
    && !rest.Any(a => a is "--list" or "--help" or "-h" or "--version"))
{
    rest.AddRange(["--filter", "*"]);
}

var summaries = BenchmarkSwitcher.FromAssembly(typeof(MicroBenchmarkConfig).Assembly)
    .Run([.. rest], MicroBenchmarkConfig.Create(quick));

// Non-zero when a benchmark failed to run, so scripts notice.
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
