using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using CortexHub.Grains.Nodes;
using CortexHub.Grains.Pool;
using CortexHub.Grains.Tasks;

namespace CortexHub.Testing;

/// <summary>
/// Load on a <see cref="ProcessCluster"/> through its public ports only: simulated nodes on the
/// balancer's gRPC port, tasks dispatched and pool items submitted through the HTTP API, and the
/// reconciliation the fault tests end with (every task's journal exactly what its node wrote,
/// every pool item done, no item run twice at once). A failed check throws
/// <see cref="ReconciliationException"/>; tests and the benchmark harness both use it.
/// </summary>
public sealed class ClusterWorkload(ProcessCluster cluster, int outputChunks) : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly ConcurrentDictionary<string, string> _taskNodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _poolKeys = new(StringComparer.Ordinal);

    public List<SimulatedNode> Nodes { get; } = [];

    /// <summary>
    /// Provisions <paramref name="count"/> nodes through the API (silos in turn) and connects them:
    /// to the balancer, or to <paramref name="addresses"/> (node i starts at address
    /// <paramref name="firstAddress"/>(i) and moves to the next one when its stream dies).
    /// </summary>
    public async Task StartNodesAsync(int count, int poolSlots, Func<string, TimeSpan> workTime, IReadOnlyList<Uri>? addresses = null, Func<int, int>? firstAddress = null)
    {
        var ids = Enumerable.Range(0, count).Select(i => $"n{i:000}").ToList();
        var tokens = new ConcurrentDictionary<string, string>();
        await Parallel.ForEachAsync(ids.Select((id, i) => (id, i)), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (n, _) =>
        {
            using var api = cluster.Api(n.i % cluster.Count);
            tokens[n.id] = await cluster.ProvisionAsync(api, n.id);
        });

        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            var node = new SimulatedNode(id, tokens[id], addresses ?? [cluster.GrpcAddress], poolSlots, workTime, firstSilo: firstAddress?.Invoke(i) ?? 0, outputChunks: outputChunks);
            node.Start();
            Nodes.Add(node);
        }

        await WaitAsync(async () => (await ListNodesAsync()).Count(n => n.Status == NodeStatus.Online) == count, TimeSpan.FromSeconds(60 + count / 20), $"all {count} nodes are online");
    }

    public async Task<List<NodeSnapshot>> ListNodesAsync()
    {
        using var api = cluster.Api();
        return (await api.GetFromJsonAsync<List<NodeSnapshot>>("/api/v1/nodes", Json))!;
    }

    /// <summary>One task per node, each dispatched through the API of silo (i mod N): most reach a node held by another silo.</summary>
    public async Task DispatchToEveryNodeAsync(string prefix)
    {
        await Parallel.ForEachAsync(Nodes.Select((node, i) => (node, i)), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (n, _) =>
        {
            var taskId = $"{prefix}-{n.node.NodeId}";
            using var api = cluster.Api(n.i % cluster.Count);
            using var response = await api.PostAsJsonAsync("/api/v1/tasks", new { id = taskId, nodeId = n.node.NodeId, command = "stream" });
            ReconciliationException.ThrowUnless(response.StatusCode == HttpStatusCode.Created, $"dispatch {taskId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            _taskNodes[taskId] = n.node.NodeId;
        });
    }

    /// <summary>Waits until every node has had at least <paramref name="events"/> events of its task acknowledged.</summary>
    public Task WaitForAcknowledgedOutputAsync(string prefix, int events) =>
        WaitAsync(() => Task.FromResult(Nodes.All(n => n.Acknowledged.TryGetValue($"{prefix}-{n.NodeId}", out var acked) && acked >= events)),
            TimeSpan.FromSeconds(60), $"every task of {prefix} has {events} events acknowledged");

    /// <summary>
    /// Submits pool items through the balancer at about <paramref name="perSecond"/> until cancelled.
    /// Each has an idempotency key, so a submit that failed mid-flight (silo draining, storage
    /// down) is simply sent again and can never create a second item.
    /// </summary>
    public async Task SubmitPoolItemsAsync(int perSecond, CancellationToken stop)
    {
        using var api = cluster.Api();
        var next = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var batch = Enumerable.Range(next, Math.Max(1, perSecond / 10)).Select(i => $"item-{i:00000}").ToList();
                next += batch.Count;
                await Task.WhenAll(batch.Select(key => SubmitAsync(api, key, stop)));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task SubmitAsync(HttpClient api, string key, CancellationToken stop)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var response = await api.PostAsJsonAsync("/api/v1/pool/items", new { command = "job " + key, idempotencyKey = key, maxAttempts = 10 }, CancellationToken.None);
                if (response.IsSuccessStatusCode)
                {
                    _poolKeys[key] = true;
                    return;
                }

                ReconciliationException.ThrowUnless((int)response.StatusCode >= 500, $"submit {key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(stop)}");
            }
            catch (HttpRequestException)
            {
                // Connection cut (silo killed or draining mid-request): the key makes a retry safe.
            }

            ReconciliationException.ThrowUnless(attempt < 200, $"submit {key} kept failing");
            await Task.Delay(100, CancellationToken.None);
        }
    }

    /// <summary>Every dispatched task succeeds and its stdout is exactly what its node wrote: no chunk lost, none twice.</summary>
    public async Task VerifyTasksCompleteAsync(TimeSpan timeout)
    {
        using var api = cluster.Api();
        var deadline = DateTime.UtcNow + timeout;
        foreach (var (taskId, nodeId) in _taskNodes.OrderBy(t => t.Key))
        {
            TaskSnapshot task;
            do
            {
                task = (await api.GetFromJsonAsync<TaskSnapshot>($"/api/v1/tasks/{taskId}/wait?timeoutSeconds=10", Json))!;
            }
            while (!task.IsFinished && DateTime.UtcNow < deadline);

            var node = Nodes.Single(n => n.NodeId == nodeId);
            ReconciliationException.ThrowUnless(task.State == TaskState.Succeeded, $"{taskId} on {nodeId} ended {task.State} ({task.Result?.Error}); the node opened {node.Connections} streams, " +
                $"last welcomed {node.LastWelcomeAt:HH:mm:ss.fff}, last stream ended with {node.LastError}{Environment.NewLine}nginx error log (tail):{Environment.NewLine}" +
                string.Join(Environment.NewLine, (cluster.Nginx?.ErrorLog ?? "").Split('\n').Where(l => !l.Contains("no live upstreams")).TakeLast(60)));
            ReconciliationException.ThrowUnless(task.Result!.ExitCode == 0, $"{taskId} exited with {task.Result.ExitCode}");
            var stdout = await api.GetStringAsync($"/api/v1/tasks/{taskId}/logs?format=raw");
            ReconciliationException.ThrowUnless(stdout == SimulatedNode.ExpectedOutput(taskId, outputChunks), $"{taskId}: the journal's stdout is not what the node wrote:{Environment.NewLine}{stdout}");
            ReconciliationException.ThrowUnless(task.AckedSequence >= node.Acknowledged[taskId], $"{taskId}: the hub acknowledged {node.Acknowledged[taskId]} but kept {task.AckedSequence}");
        }
    }

    /// <summary>
    /// Every submitted item ends done, exactly the submitted keys exist (no duplicate from retried
    /// submits), and no item ran on two nodes at overlapping times. Returns (items, retried).
    /// </summary>
    public async Task<(int Items, int Retried)> VerifyPoolSettledAsync(TimeSpan timeout)
    {
        using var api = cluster.Api();
        await WaitAsync(async () =>
        {
            var stats = (await api.GetFromJsonAsync<PoolStats>("/api/v1/pool/stats", Json))!;
            return stats.Counts.GetValueOrDefault(PoolItemState.Done) + stats.Counts.GetValueOrDefault(PoolItemState.Dead) >= _poolKeys.Count;
        }, timeout, $"all {_poolKeys.Count} pool items are done");

        var items = new List<PoolItem>();
        long? after = 0;
        while (after is { } cursor)
        {
            var page = (await api.GetFromJsonAsync<PoolItemPage>($"/api/v1/pool/items?after={cursor}&limit=1000", Json))!;
            items.AddRange(page.Items);
            after = page.NextAfter;
        }

        ReconciliationException.ThrowUnless(_poolKeys.Keys.Order().SequenceEqual(items.Select(i => i.IdempotencyKey!).Order()),
            $"{_poolKeys.Count} keys were submitted, the pool holds {items.Count} items with {items.Select(i => i.IdempotencyKey).Distinct().Count()} distinct keys");
        foreach (var i in items)
        {
            ReconciliationException.ThrowUnless(i.State == PoolItemState.Done, $"{i.ItemId} ({i.IdempotencyKey}) is {i.State}: {i.LastError}");
        }

        foreach (var runs in Nodes.SelectMany(n => n.Executions.Select(e => (n.NodeId, e))).Where(r => !_taskNodes.ContainsKey(r.e.TaskId)).GroupBy(r => r.e.TaskId[..r.e.TaskId.LastIndexOf('.')]))
        {
            var ordered = runs.OrderBy(r => r.e.Start).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                ReconciliationException.ThrowUnless(ordered[i].e.Start >= ordered[i - 1].e.End,
                    $"Item {runs.Key} ran as {ordered[i - 1].e.TaskId} on {ordered[i - 1].NodeId} and {ordered[i].e.TaskId} on {ordered[i].NodeId} at once.");
            }
        }

        return (items.Count, items.Count(i => i.Attempts > 1));
    }

    public static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
            {
                last = ex; // a silo or the database is down for a moment
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Timed out after {timeout} waiting until {what}.{(last is null ? "" : " Last error: " + last.Message)}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }

    private sealed record PoolItemPage(List<PoolItem> Items, long? NextAfter);
}

/// <summary>What the hub acknowledged or accepted is not what it holds.</summary>
public sealed class ReconciliationException(string message) : Exception(message)
{
    public static void ThrowUnless(bool condition, string message)
    {
        if (!condition)
        {
            throw new ReconciliationException(message);
        }
    }
}
