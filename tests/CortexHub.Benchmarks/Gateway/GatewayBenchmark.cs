using System.Diagnostics;
using CortexHub.Grains.Nodes;
using CortexHub.Grains.Tasks;
using CortexHub.Protocol.V1;
using CortexHub.Testing;
using Grpc.Core;

namespace CortexHub.Benchmarks.Gateway;

/// <summary>
/// Task events through the gateway (read, journaled durably, acknowledged) against the echo service
/// on the same transport (grpc-dotnet: the transport limit) and raw batched INSERTs on the same
/// database (the storage limit), in the same run: ping-pong round trips (latency) and a pipelined
/// window (throughput), with 1 and 100 streams. The hand-written stack's recorded echo figures are
/// reported beside the grpc-dotnet echo (see <see cref="HandWrittenStackRecord"/>).
/// </summary>
public static class GatewayBenchmark
{
    /// <summary>Scenario prefix of the echo measurements (the transport limit).</summary>
    public const string EchoPrefix = "grpc-dotnet echo";

    /// <summary>Scenario prefix of the gateway measurements (durable ingest).</summary>
    public const string GatewayPrefix = "gateway";

    private const int Window = 64;

    public static async Task<IReadOnlyList<Measurement>> RunAsync(StorageKind backend, TimeSpan duration, int payloadBytes)
    {
        var results = new List<Measurement>();
        await using var echo = await EchoServer.StartAsync();
        using var storage = await TestStorage.CreateAsync(backend);
        await using var cluster = await TestCluster.StartAsync(new TestClusterOptions { Storage = storage });
        var tokens = new string[100];
        for (var i = 0; i < tokens.Length; i++)
        {
            tokens[i] = await cluster.GetGrain<INodeGrain>($"n{i}").ProvisionAsync(new NodeProvisionRequest($"n{i}", "bench"));
        }

        var round = 0;
        var backendName = backend.ToString().ToLowerInvariant();
        foreach (var streams in new[] { 1, 100 })
        {
            foreach (var target in new[] { EchoPrefix, GatewayPrefix })
            {
                round++;
                using var channel = BenchmarkChannel.For(target == EchoPrefix ? echo.Address : cluster[0].GrpcAddress);
                var opened = new List<EventStream>();
                for (var i = 0; i < streams; i++)
                {
                    var taskId = $"bench-{round}-{i}";
                    Hello? hello = null;
                    if (target == GatewayPrefix)
                    {
                        await cluster.GetGrain<ITaskGrain>(taskId).DispatchAsync(new TaskSpec($"n{i}", "true", "bench"));
                        hello = new Hello { NodeId = $"n{i}", Token = tokens[i], AgentVersion = "bench" };
                    }

                    opened.Add(await EventStream.OpenAsync(channel, taskId, payloadBytes, hello));
                }

                var name = $"{target} ({backendName}), {payloadBytes} B events";
                results.Add(await PingPongAsync(name, opened, duration));
                results.Add(await PipelinedAsync(name, opened, duration));
                foreach (var stream in opened)
                {
                    await stream.DisposeAsync();
                }
            }
        }

        // The storage limit, on the same database: the same rows written with no hub in between.
        var rawInsert = await RawInsertBaseline.RunAsync(storage, duration, payloadBytes, writers: 100, batch: Window);
        results.Add(rawInsert);

        // Every gateway figure is also a ratio to the transport limit (the grpc-dotnet echo), throughput
        // also to the storage limit; every echo figure a ratio to the hand-written stack's recorded one,
        // whose rows follow (when the payload is the recorded runs' 256 B).
        var recorded = payloadBytes == 256 ? HandWrittenStackRecord.Echo(backendName).ToList() : [];
        return [.. results.Select(m => m.Scenario.StartsWith(GatewayPrefix, StringComparison.Ordinal) ? WithIngestRatios(m, results, rawInsert)
            : recorded.Count > 0 ? WithRecordedRatio(m) : m), .. recorded];
    }

    private static Measurement WithIngestRatios(Measurement gateway, List<Measurement> results, Measurement rawInsert)
    {
        var echo = results.Single(e => e.Scenario == EchoPrefix + gateway.Scenario[GatewayPrefix.Length..]);
        var extra = new Dictionary<string, double>(gateway.Extra) { ["% of echo"] = 100 * gateway.PerSecond / echo.PerSecond };
        if (gateway.Scenario.Contains("pipelined", StringComparison.Ordinal))
        {
            extra["% of raw INSERT"] = 100 * gateway.PerSecond / rawInsert.PerSecond;
        }

        return gateway with { Extra = extra };
    }

    private static Measurement WithRecordedRatio(Measurement echo) =>
        HandWrittenStackRecord.CounterpartOf(echo) is { } handWritten
            ? echo with { Extra = new(echo.Extra) { ["% of hand-written (recorded)"] = 100 * echo.PerSecond / handWritten.PerSecond } }
            : echo;

    internal static Task<Measurement> PingPongAsync(string name, List<EventStream> streams, TimeSpan duration) =>
        Measurement.RunAsync($"{name}, ping-pong, {streams.Count} stream(s)", "-", streams.Count, duration, async (worker, _) =>
        {
            var stream = streams[worker];
            var sequence = await stream.SendAsync();
            while (await stream.ReadAckOrWelcomeAsync() < sequence)
            {
            }
        });

    internal static async Task<Measurement> PipelinedAsync(string name, List<EventStream> streams, TimeSpan duration)
    {
        var cpu = new CpuMeter();
        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(streams.Select(stream => Task.Run(() => PipelineOneAsync(stream, clock, duration))));
        var seconds = clock.Elapsed.TotalSeconds;
        return new Measurement($"{name}, pipelined (window {Window}), {streams.Count} stream(s)", "-", streams.Count, counts.Sum(), seconds, 0, 0) { Extra = cpu.PerOperation(counts.Sum()) };
    }

    /// <summary>Keeps up to <see cref="Window"/> unacknowledged events in flight (acks may cover several); returns events acknowledged.</summary>
    private static async Task<long> PipelineOneAsync(EventStream stream, Stopwatch clock, TimeSpan duration)
    {
        var start = stream.LastSequence;
        long sent = start, acked = start;
        var stopped = false;
        var window = new SemaphoreSlim(Window);
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new Lock();
        _ = Task.Run(async () =>
        {
            while (!drained.Task.IsCompleted)
            {
                long ack;
                try
                {
                    ack = await stream.ReadAckOrWelcomeAsync();
                }
                catch (Exception ex) when (ex is RpcException or InvalidOperationException or OperationCanceledException)
                {
                    drained.TrySetException(ex);
                    return;
                }

                lock (gate)
                {
                    if (ack > acked)
                    {
                        window.Release((int)(ack - acked));
                        acked = ack;
                    }

                    if (stopped && acked >= sent)
                    {
                        drained.TrySetResult();
                    }
                }
            }
        });
        while (clock.Elapsed < duration)
        {
            await window.WaitAsync();
            var sequence = await stream.SendAsync();
            lock (gate)
            {
                sent = sequence;
            }
        }

        lock (gate)
        {
            stopped = true;
            if (acked >= sent)
            {
                drained.TrySetResult();
            }
        }

        await drained.Task;
        return sent - start;
    }
}
