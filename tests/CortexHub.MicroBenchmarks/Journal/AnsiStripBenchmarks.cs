using BenchmarkDotNet.Attributes;
using CortexHub.Grains.Journal;

namespace CortexHub.MicroBenchmarks.Journal;

/// <summary>
/// <see cref="AnsiStripper.Strip"/> as the plain-text log reader uses it: one long-lived stripper
/// per stream, fed event by event. Both inputs end outside any sequence, so the stripper holds
/// nothing between operations.
/// </summary>
[MemoryDiagnoser]
public class AnsiStripBenchmarks
{
    private readonly AnsiStripper _stripper = new();

    /// <summary>One coloured test-runner line (91 bytes).</summary>
    [Benchmark]
    public string ColouredLine() => _stripper.Strip(ColouredOutput.Line);

    /// <summary>64 KiB of mixed coloured output (a full default tail).</summary>
    [Benchmark]
    public string ColouredBlock64KiB() => _stripper.Strip(ColouredOutput.Block);
}
