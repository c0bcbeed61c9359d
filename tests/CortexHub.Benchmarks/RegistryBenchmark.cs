using System.Diagnostics;
using CortexHub.Benchmarks.Gateway;
using CortexHub.Grains.Events;
using CortexHub.Grains.Nodes;
using CortexHub.Protocol.V1;
using CortexHub.Testing;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace CortexHub.Benchmarks;

/// <summary>
/// Node registry and event bus figures: event fan-out to 1,000 subscribers, heartbeats/s sustained
/// by many connected nodes, and silo memory per connected node (the silo runs as its own process
/// so its resident memory is measured alone).
/// </summary>
public static class RegistryBenchmark
{
    public static async Task<IReadOnlyList<Measurement>> RunAsync(StorageKind backend, int nodes, TimeSpan duration)
    {
        var name = backend.ToString().ToLowerInvariant();
        // The silo's GC either way: server GC (its default, for throughput) and workstation GC (less memory per idle stream).
        return [await FanOutAsync(backend, name), .. await NodesAsync(backend, name, nodes, duration, serverGc: true), .. await NodesAsync(backend, name, nodes, duration, serverGc: false)];
    }

    private static async Task<Measurement> FanOutAsync(StorageKind backend, string name)
    {
        using var storage = await TestStorage.CreateAsync(backend);
        var options = new TestClusterOptions { Storage = storage };
        options.Configuration["CortexHub:Events:SubscriberCapacity"] = "100000";
        await using var cluster = await TestCluster.StartAsync(options);
        var hub = cluster[0].Services.GetRequiredService<EventHub>();
        const int subscribers = 1000, events = 2000;
        var received = 0L;
        var readers = new List<Task>();
        for (var i = 0; i < subscribers; i++)
        {
            var subscription = await hub.SubscribeAsync([EventTopics.All]);
            readers.Add(Task.Run(async () =>
            {
                var count = 0;
                await foreach (var e in subscription.ReadAllAsync())
                {
                    Interlocked.Increment(ref received);
                    if (++count == events)
                    {
                        return;
                    }
                }
            }));
        }

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 20).Select(async source =>
        {
            for (var i = 0; i < events / 20; i++)
            {
                await hub.PublishAsync(new HubEventDraft("bench", $"src-{source}", null, null, null, "{}"));
            }
        }));
        await Task.WhenAll(readers);
        clock.Stop();
        return new Measurement($"event fan-out: {events} events to {subscribers} subscribers (deliveries/s)", name, subscribers, received, clock.Elapsed.TotalSeconds, 0, 0)
        {
            Extra = new() { ["events published/s"] = events / clock.Elapsed.TotalSeconds },
        };
    }

    private static async Task<IReadOnlyList<Measurement>> NodesAsync(StorageKind backend, string name, int count, TimeSpan duration, bool serverGc)
    {
        // Provision through an in-process silo, then stop it: the measured silo is a separate process on the same store.
        using var storage = await TestStorage.CreateAsync(backend);
        var tokens = new string[count];
        await using (var provisioning = await TestCluster.StartAsync(new TestClusterOptions { Storage = storage.Borrow() }))
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
                tokens[i] = await provisioning.GetGrain<INodeGrain>($"n{i}").ProvisionAsync(new NodeProvisionRequest($"n{i}", "bench")));
        }

        var work = Directory.CreateTempSubdirectory("cortexhub-bench-").FullName;
        var grpcPort = FreePorts.Next();
        var environment = new Dictionary<string, string?>(storage.Configuration().Select(kv => new KeyValuePair<string, string?>(kv.Key.Replace(":", "__", StringComparison.Ordinal), kv.Value)))
        {
            ["DOTNET_gcServer"] = serverGc ? "1" : "0",
        };
        var gc = serverGc ? "server GC" : "workstation GC";
        await using var silo = SiloProcess.Start(work, environment, "--CortexHub:Endpoints:BindAddress=127.0.0.1", $"--CortexHub:Endpoints:HttpPort={FreePorts.Next()}",
            $"--CortexHub:Endpoints:GrpcPort={grpcPort}", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
            // The simulated nodes are silent while the others connect (a real node heartbeats every few
            // seconds); give them the idle allowance of a 1 min heartbeat so none is closed meanwhile
            // (and a presence TTL longer than that beat, as the silo requires).
            "--CortexHub:Gateway:NodeHeartbeatInterval=00:01:00", "--CortexHub:Nodes:HeartbeatTtl=00:02:00");
        await silo.WaitForOutputAsync("Application started", TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var rssBefore = ResidentBytes(silo.ProcessId);

        // One channel, so 100 streams per HTTP/2 connection (Kestrel's limit): 10,000 nodes share 100 connections.
        using var channel = BenchmarkChannel.For(new Uri($"http://127.0.0.1:{grpcPort}"));
        var client = new NodeLink.NodeLinkClient(channel);
        var streams = new List<AsyncDuplexStreamingCall<NodeMessage, HubMessage>>(count);
        var connectClock = Stopwatch.StartNew();
        var rssHalf = 0L;
        for (var batch = 0; batch < count; batch += 200)
        {
            if (batch == count / 2 / 200 * 200)
            {
                // Half the nodes in: the second half's cost is the marginal cost of a node, without what
                // the silo grows once whatever the count (GC budgets, pools, caches warming up).
                await Task.Delay(TimeSpan.FromSeconds(3));
                rssHalf = ResidentBytes(silo.ProcessId);
            }

            var opened = await Task.WhenAll(Enumerable.Range(batch, Math.Min(200, count - batch)).Select(async i =>
            {
                var call = client.Connect();
                await call.RequestStream.WriteAsync(new NodeMessage { Hello = new Hello { NodeId = $"n{i}", Token = tokens[i], AgentVersion = "bench" } });
                await call.ResponseStream.MoveNext(CancellationToken.None);
                return call;
            }));
            streams.AddRange(opened);
        }

        connectClock.Stop();
        await Task.Delay(TimeSpan.FromSeconds(3));
        GC.Collect();
        var rssAfter = ResidentBytes(silo.ProcessId);

        // Every node sends heartbeats back to back; count what the silo accepted (writes complete under flow control).
        var beats = 0L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
        {
            var heartbeat = new NodeMessage { Heartbeat = new Heartbeat() };
            for (var i = worker; clock.Elapsed < duration; i = (i + 16) % count)
            {
                await streams[i].RequestStream.WriteAsync(heartbeat);
                Interlocked.Increment(ref beats);
            }
        })));
        clock.Stop();
        foreach (var call in streams)
        {
            call.Dispose();
        }

        Directory.Delete(work, recursive: true);
        return
        [
            new Measurement($"{count} nodes connected to one silo process ({gc})", name, count, count, connectClock.Elapsed.TotalSeconds, 0, 0)
            {
                Extra = new()
                {
                    ["KiB RSS per connected node"] = (rssAfter - rssBefore) / 1024.0 / count,
                    ["KiB RSS per node, second half"] = (rssAfter - rssHalf) / 1024.0 / (count - count / 2 / 200 * 200),
                    ["silo RSS MiB"] = rssAfter / 1048576.0,
                },
            },
            new Measurement($"heartbeats sustained across {count} connected nodes ({gc})", name, count, beats, clock.Elapsed.TotalSeconds, 0, 0),
        ];
    }

    private static long ResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }
}
