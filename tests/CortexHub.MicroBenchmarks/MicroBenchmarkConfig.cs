using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace CortexHub.MicroBenchmarks;

/// <summary>The run configuration: where reports go, and the short job behind <c>--quick</c>.</summary>
public static class MicroBenchmarkConfig
{
    public const string QuickSwitch = "--quick";

    /// <summary>Reports land in <c>artifacts/bench/micro</c> of the repository (BenchmarkDotNet adds <c>results/</c>).</summary>
    public static readonly string ArtifactsSubfolder = Path.Combine("artifacts", "bench", "micro");

    // Quick: enough iterations for a mean and its error to mean something, few enough that the
    // whole suite fits in about a minute on a 2-core machine. In-process, so no per-benchmark
    // project is generated and built (that build alone takes longer than the measurements).
    private const int QuickWarmupCount = 3;
    private const int QuickIterationCount = 10;
    private static readonly TimeInterval QuickIterationTime = TimeInterval.FromMilliseconds(250);

    /// <summary>
    /// The exporters and artifacts folder, plus the quick job when asked for. Without it no job is
    /// added, so BenchmarkDotNet's default job runs (or whatever <c>--job</c> names).
    /// </summary>
    public static IConfig Create(bool quick)
    {
        // Starts from the minimum (columns, console logger) so only the two exporters asked for run.
        var defaults = DefaultConfig.Instance;
        var config = ManualConfig.CreateMinimumViable()
            .AddAnalyser([.. defaults.GetAnalysers()])
            .AddValidator([.. defaults.GetValidators()])
            .AddExporter(MarkdownExporter.GitHub, JsonExporter.Full)
            .WithArtifactsPath(FindArtifactsPath());
        return quick ? config.AddJob(QuickJob()) : config;
    }

    private static Job QuickJob() => Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithLaunchCount(1)
        .WithWarmupCount(QuickWarmupCount)
        .WithIterationCount(QuickIterationCount)
        .WithIterationTime(QuickIterationTime)
        .WithId("Quick");

    // The repository root is the folder holding CortexHub.sln above the build output; outside a
    // checkout (a copied binary) the current directory stands in for it.
    private static string FindArtifactsPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CortexHub.sln")))
            {
                return Path.Combine(dir.FullName, ArtifactsSubfolder);
            }
        }

        return Path.GetFullPath(ArtifactsSubfolder);
    }
}
