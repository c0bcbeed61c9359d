using System.Diagnostics;
using System.Text;
using CortexHub.Benchmarks.Gateway;
using CortexHub.Grains.Journal;
using CortexHub.Grains.Nodes;
using CortexHub.Grains.Tasks;
using CortexHub.Protocol.V1;
using CortexHub.Testing;

namespace CortexHub.Benchmarks;

/// <summary>
/// The task journal's figures: durable ingest through the gateway for 100 concurrently streaming
/// tasks (256 B and 4 KiB chunks), ack latency, storage operations per 1,000 chunks, ANSI strip and
/// head+tail append throughput, and memory for 1,000 concurrent tasks.
/// </summary>
public static class JournalBenchmark
{
    private const int Streams = 100;

    public static async Task<IReadOnlyList<Measurement>> RunAsync(StorageKind backend, TimeSpan duration)
    {
        OperationCounter.Start();
        var name = backend.ToString().ToLowerInvariant();
        var results = new List<Measurement>();
        using var storage = await TestStorage.CreateAsync(backend);
        await using var cluster = await TestCluster.StartAsync(new TestClusterOptions { Storage = storage });
        var tokens = new string[Streams];
        for (var i = 0; i < Streams; i++)
        {
            tokens[i] = await cluster.GetGrain<INodeGrain>($"n{i}").ProvisionAsync(new NodeProvisionRequest($"n{i}", "bench"));
        }

        foreach (var payload in new[] { 256, 4096 })
        {
            using var channel = BenchmarkChannel.For(cluster[0].GrpcAddress);
            var streams = new List<EventStream>();
            for (var i = 0; i < Streams; i++)
            {
                var taskId = $"ingest-{payload}-{i}";
                await cluster.GetGrain<ITaskGrain>(taskId).DispatchAsync(new TaskSpec($"n{i}", "bench", "bench"));
                streams.Add(await EventStream.OpenAsync(channel, taskId, payload, new Hello { NodeId = $"n{i}", Token = tokens[i] }));
            }

            var label = $"ingest {payload} B chunks, {Streams} tasks";
            var latency = await GatewayBenchmark.PingPongAsync(label + " (ack latency)", streams, duration);
            var before = StorageOperations();
            var ingest = await GatewayBenchmark.PipelinedAsync(label, streams, duration);
            var operations = StorageOperations() - before;
            results.Add(latency with { Backend = name });
            results.Add(ingest with
            {
                Backend = name,
                Extra = new()
                {
                    ["MB/s"] = ingest.PerSecond * payload / 1_000_000,
                    ["storage ops per 1000 chunks"] = operations * 1000.0 / Math.Max(1, ingest.Operations),
                },
            });
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }

        results.Add(await MemoryPerTaskAsync(cluster, name));
        if (backend == StorageKind.Sqlite)
        {
            results.Add(AnsiStrip());
            results.Add(HeadTailAppend());
        }

        return results;
    }

    /// <summary>1,000 active tasks with output past their head+tail: managed heap growth per task.</summary>
    private static async Task<Measurement> MemoryPerTaskAsync(TestCluster cluster, string backend)
    {
        const int tasks = 1000;
        var chunk = new string('m', 4096);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < tasks; i++)
        {
            var task = cluster.GetGrain<ITaskGrain>($"mem-{i}");
            await task.DispatchAsync(new TaskSpec("n0", "bench", "bench"));
            await task.AppendEventsAsync("n0", Enumerable.Range(1, 30).Select(s =>
                new TaskEventRecord(s, TaskEventKind.Output, s % 2 == 0 ? OutputStreamKind.Stderr : OutputStreamKind.Stdout, Encoding.UTF8.GetBytes(chunk))).ToList());
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var perTask = (after - before) / (double)tasks;
        return new Measurement($"memory, {tasks} active tasks (16 KiB head + 64 KiB tail per stream, 120 KiB output each)", backend, tasks, 0, 1, 0, 0)
        {
            Extra = new() { ["KiB per task"] = perTask / 1024, ["MiB total"] = (after - before) / 1048576.0 },
        };
    }

    private static Measurement AnsiStrip()
    {
        var line = Encoding.UTF8.GetBytes("\u001b[1;32mPASS\u001b[0m tests/unit/test_parser.py::test_case_%d \u001b[2m(0.01s)\u001b[0m — ok ✓\r\n");
        var data = new byte[16 * 1024 * 1024];
        for (var i = 0; i + line.Length <= data.Length; i += line.Length)
        {
            line.CopyTo(data, i);
        }

        var stripper = new AnsiStripper();
        _ = stripper.Strip(data.AsSpan(0, 1 << 20));
        var clock = Stopwatch.StartNew();
        long bytes = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(2))
        {
            for (var offset = 0; offset < data.Length; offset += 4096)
            {
                _ = stripper.Strip(data.AsSpan(offset, 4096));
            }

            bytes += data.Length;
        }

        return new Measurement("ANSI strip (coloured test output, 4 KiB chunks)", "-", 1, bytes, clock.Elapsed.TotalSeconds, 0, 0)
        {
            Extra = new() { ["MB/s"] = bytes / clock.Elapsed.TotalSeconds / 1_000_000 },
        };
    }

    private static Measurement HeadTailAppend()
    {
        var buffer = new HeadTailBuffer(16 * 1024, 64 * 1024);
        var chunk = new byte[4096];
        var clock = Stopwatch.StartNew();
        long bytes = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(2))
        {
            for (var i = 0; i < 10_000; i++)
            {
                buffer.Append(chunk);
            }

            bytes += 10_000L * chunk.Length;
        }

        return new Measurement("head+tail append (4 KiB chunks)", "-", 1, bytes / chunk.Length, clock.Elapsed.TotalSeconds, 0, 0)
        {
            Extra = new() { ["MB/s"] = bytes / clock.Elapsed.TotalSeconds / 1_000_000 },
        };
    }

    private static long StorageOperations() => OperationCounter.Total;
}
