using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CortexHub.Grains.Nodes;
using CortexHub.Protocol.V1;
using CortexHub.Testing;

namespace CortexHub.Benchmarks.Suite;

/// <summary>
/// Dispatch round trip as a client sees it: POST /api/v1/tasks on a silo's HTTP port until the
/// node's stream (real gRPC port) receives the Dispatch. With one silo the node sits on the same
/// silo; with three, every task is dispatched through a silo other than the node's (the task grain
/// is placed beside the node's stream; the node grain wakes the stream through its observer). The node then acknowledges and finishes
/// the task, so the journal sees the whole life cycle.
/// </summary>
public static class DispatchBenchmark
{
    private const int Nodes = 12;

    public static async Task<Measurement> RunAsync(StorageKind backend, int silos, int dispatches)
    {
        const string adminKey = "chk.admin.bench.0123456789abcdef0123456789abcdef";
        using var storage = await TestStorage.CreateAsync(backend);
        var options = new TestClusterOptions { Storage = storage.Borrow(), InitialSilos = silos };
        options.Configuration["CortexHub:Api:AdminKey"] = adminKey;
        await using var cluster = await TestCluster.StartAsync(options);

        var received = new ConcurrentDictionary<string, TaskCompletionSource<long>>();
        var nodes = new List<(TestNode Node, Task Reader)>();
        for (var i = 0; i < Nodes; i++)
        {
            var token = await cluster.GetGrain<INodeGrain>($"d{i}", i % silos).ProvisionAsync(new NodeProvisionRequest($"d{i}", "admin"));
            var (node, _) = await TestNode.ConnectAsync(cluster[i % silos].GrpcAddress, $"d{i}", token);
            nodes.Add((node, ReadAsync(node, received)));
        }

        var clients = cluster.Silos.Select(s =>
        {
            var client = new HttpClient { BaseAddress = s.HttpAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            return client;
        }).ToList();

        var latencies = new List<double>(dispatches);
        var clock = Stopwatch.StartNew();
        for (var k = -50; k < dispatches; k++) // 50 warm-up dispatches
        {
            var node = ((k % Nodes) + Nodes) % Nodes;
            var via = silos == 1 ? 0 : (node % silos + 1) % silos; // never the node's own silo
            var taskId = $"dispatch-{k + 50}";
            var arrived = received.GetOrAdd(taskId, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
            var start = Stopwatch.GetTimestamp();
            using var response = await clients[via].PostAsJsonAsync("/api/v1/tasks", new { id = taskId, nodeId = $"d{node}", command = "true" });
            response.EnsureSuccessStatusCode();
            var at = await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
            if (k >= 0)
            {
                latencies.Add(Stopwatch.GetElapsedTime(start, at).TotalMilliseconds);
            }

            if (k == -1)
            {
                clock.Restart();
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        foreach (var (node, reader) in nodes)
        {
            await node.DisposeAsync();
            await reader.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        foreach (var client in clients)
        {
            client.Dispose();
        }

        latencies.Sort();
        var across = silos == 1 ? "node on the same silo" : $"{silos} silos, dispatched via another silo than the node's";
        return new Measurement($"dispatch round trip: API POST to Dispatch on the node's stream ({across})", backend.ToString().ToLowerInvariant(), 1,
            latencies.Count, seconds, latencies[latencies.Count / 2], latencies[(int)(latencies.Count * 0.99)]);
    }

    /// <summary>Stamps each Dispatch's arrival, then acknowledges and finishes the task.</summary>
    private static async Task ReadAsync(TestNode node, ConcurrentDictionary<string, TaskCompletionSource<long>> received)
    {
        try
        {
            while (true)
            {
                var message = await node.ReadAsync(TimeSpan.FromHours(1));
                if (message.BodyCase != HubMessage.BodyOneofCase.Dispatch)
                {
                    continue;
                }

                var at = Stopwatch.GetTimestamp();
                received.GetOrAdd(message.Dispatch.TaskId, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(at);
                await node.SendAsync(new NodeMessage { CommandAck = new CommandAck { CommandId = message.Dispatch.CommandId } });
                await node.SendResultAsync(message.Dispatch.TaskId, 1, 0);
            }
        }
        catch (Exception ex) when (ex is Grpc.Core.RpcException or IOException or ObjectDisposedException or OperationCanceledException or TimeoutException or HttpRequestException)
        {
            // The benchmark ended and closed the stream.
        }
    }
}
