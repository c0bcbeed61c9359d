namespace CortexHub.Benchmarks.Gateway;

/// <summary>
/// The echo figures of the hand-written gRPC stack (src/CortexHub.Grpc, since replaced by
/// grpc-dotnet), copied from the last full suite run on it: 2026-12-07 12:34 UTC, commit 04b5bad,
/// <c>results/latest.json</c>. A reference for the grpc-dotnet echo measured beside it; these
/// figures are never re-measured, and reports label them as recorded.
/// </summary>
public static class HandWrittenStackRecord
{
    /// <summary>The backend column of the recorded rows: when they were measured, and that they were not now.</summary>
    public const string Label = "hand-written stack, 2026-12-07 run (recorded, not re-measured)";

    /// <summary>Scenario prefix of the recorded rows (the measured ones start with <see cref="GatewayBenchmark.EchoPrefix"/>).</summary>
    public const string EchoPrefix = "hand-written echo";

    private static readonly Measurement[] Recorded =
    [
        Row("sqlite", "ping-pong, 1 stream(s)", 1, 24934, 3.000455, 0.1082, 0.3043),
        Row("sqlite", "pipelined (window 64), 1 stream(s)", 1, 61888, 3.0036657, 0, 0),
        Row("sqlite", "ping-pong, 100 stream(s)", 100, 314978, 3.0002689, 0.8104, 3.8654),
        Row("sqlite", "pipelined (window 64), 100 stream(s)", 100, 505363, 3.0045564, 0, 0),
        Row("postgres", "ping-pong, 1 stream(s)", 1, 52917, 3.0000266, 0.0478, 0.1327),
        Row("postgres", "pipelined (window 64), 1 stream(s)", 1, 112775, 3.000145, 0, 0),
        Row("postgres", "ping-pong, 100 stream(s)", 100, 284092, 3.0005139, 0.9616, 3.3093),
        Row("postgres", "pipelined (window 64), 100 stream(s)", 100, 445452, 3.0011402, 0, 0),
    ];

    /// <summary>
    /// Rows/s of the raw batched INSERT baseline in the same recorded run, by backend. It runs no
    /// gRPC at all, so comparing it with this run's shows how much the shared machine's state alone
    /// differs between the two runs.
    /// </summary>
    public static double? RawInsertPerSecond(string backend) => backend switch
    {
        "sqlite" => 419456 / 3.0554619,
        "postgres" => 208448 / 3.1028288,
        _ => null,
    };

    /// <summary>The recorded echo rows of the section that ran beside <paramref name="backend"/> ("sqlite" or "postgres").</summary>
    public static IEnumerable<Measurement> Echo(string backend) =>
        Recorded.Where(m => m.Scenario.StartsWith($"{EchoPrefix} ({backend})", StringComparison.Ordinal));

    /// <summary>The recorded counterpart of a grpc-dotnet echo measurement, if the record has one.</summary>
    public static Measurement? CounterpartOf(Measurement echo) =>
        echo.Scenario.StartsWith(GatewayBenchmark.EchoPrefix, StringComparison.Ordinal)
            ? Recorded.FirstOrDefault(m => m.Scenario == EchoPrefix + echo.Scenario[GatewayBenchmark.EchoPrefix.Length..])
            : null;

    // The payload was 256 B in every recorded row (the suite's setting).
    private static Measurement Row(string backend, string shape, int streams, long operations, double seconds, double p50, double p99) =>
        new($"{EchoPrefix} ({backend}), 256 B events, {shape}", Label, streams, operations, seconds, p50, p99);
}
