using CortexHub.Grains.Nodes;
using CortexHub.Grains.Pool;
using CortexHub.Grains.Storage;
using CortexHub.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CortexHub.Benchmarks;

/// <summary>
/// The work pool's figures, each beside its storage limit measured in the same run on the same
/// database: claims+completions per second through the pool (claim statement, shard grain, outcome
/// statement, event) with 1 and 3 silos, against a hand-written SKIP LOCKED claim/complete loop on a
/// plain queue table; submit-to-claim latency with nodes waiting on their streams; and end-to-end
/// items per second when every item runs as a task on a simulated node.
/// </summary>
public static class PoolBenchmark
{
    private const int Claimers = 16;
    private const int Prefill = 150_000;
    private static readonly Dictionary<string, string> NoLabels = [];

    public static async Task<IReadOnlyList<Measurement>> RunAsync(StorageKind backend, TimeSpan duration)
    {
        var name = backend.ToString().ToLowerInvariant();
        var results = new List<Measurement>();
        foreach (var silos in backend == StorageKind.Sqlite ? [1] : new[] { 1, 3 })
        {
            using var storage = await TestStorage.CreateAsync(backend);
            await using var cluster = await TestCluster.StartAsync(new TestClusterOptions { Storage = storage.Borrow(), InitialSilos = silos });
            await using var raw = await RawQueue.CreateAsync(storage);
            var rawLoop = await Measurement.RunAsync($"raw SQL claim+complete loop ({Claimers} workers)", name, Claimers, duration, (worker, _) => raw.ClaimAndCompleteAsync());

            await PrefillAsync(storage);
            var pool = await Measurement.RunAsync($"pool claim+complete, {silos} silo(s) ({Claimers} claimers)", name, Claimers, duration, async (worker, _) =>
            {
                var silo = cluster[worker % silos].Services;
                var claimed = await silo.GetRequiredService<PoolClaims>().ClaimAsync($"bench-{worker}", "bench", NoLabels, 1);
                foreach (var item in claimed)
                {
                    await silo.GetRequiredService<WorkPool>().CompleteAsync(new PoolClaimRef(item.ItemId, item.LeaseTerm), 0);
                }
            });
            results.Add(rawLoop);
            results.Add(pool with { Extra = new() { ["% of raw loop"] = 100 * pool.PerSecond / rawLoop.PerSecond } });
        }

        results.AddRange(await EndToEndAsync(backend, name, backend == StorageKind.Sqlite ? 1 : 3));
        return results;
    }

    /// <summary>Nodes wait on their streams; items trickle in; each runs as a task (dispatch, events, result, outcome).</summary>
    private static async Task<IReadOnlyList<Measurement>> EndToEndAsync(StorageKind backend, string name, int silos)
    {
        using var storage = await TestStorage.CreateAsync(backend);
        await using var cluster = await TestCluster.StartAsync(new TestClusterOptions { Storage = storage.Borrow(), InitialSilos = silos });
        var addresses = cluster.Silos.Select(s => s.GrpcAddress).ToList();
        var nodes = new List<SimulatedNode>();
        for (var i = 0; i < 30; i++)
        {
            var token = await cluster.GetGrain<INodeGrain>($"w{i}").ProvisionAsync(new NodeProvisionRequest($"w{i}", "bench"));
            var node = new SimulatedNode($"w{i}", token, addresses, slots: 4, _ => TimeSpan.Zero, firstSilo: i % silos);
            node.Start();
            nodes.Add(node);
        }

        await TestCluster.WaitUntilAsync(() => Task.FromResult(cluster.Silos.Sum(s => s.Services.GetRequiredService<PoolDispatcher>().Claimers) == nodes.Count),
            TimeSpan.FromSeconds(30), "the nodes take pool work");
        var pool = cluster[0].Services.GetRequiredService<WorkPool>();

        // Latency: one item at a time into idle nodes, so nothing queues.
        var latencies = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            var item = (await pool.SubmitAsync(new PoolSubmitRequest(new PoolWork("latency"), "bench"))).Item;
            PoolItem? now = null;
            while ((now = await pool.GetAsync(item.ItemId))!.ClaimedAt is null)
            {
                await Task.Delay(1);
            }

            latencies.Add((now.ClaimedAt!.Value - now.CreatedAt).TotalMilliseconds);
        }

        latencies.Sort();
        var latency = new Measurement($"submit-to-claim latency, idle nodes, {silos} silo(s)", name, 1, 0, 1, latencies[latencies.Count / 2], latencies[(int)(latencies.Count * 0.99)]);

        // Throughput: a burst of items, each a task with four events, until all are done.
        const int burst = 3_000;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, burst), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            await cluster[i % silos].Services.GetRequiredService<WorkPool>().SubmitAsync(new PoolSubmitRequest(new PoolWork($"burst {i}"), "bench")));
        await TestCluster.WaitUntilAsync(async () => (await pool.StatsAsync()).Counts[PoolItemState.Done] >= burst + 200, TimeSpan.FromMinutes(5), "the burst is done");
        var seconds = clock.Elapsed.TotalSeconds;
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }

        return [latency, new Measurement($"end to end: submit, claim, task on a node, outcome ({nodes.Count} nodes, {silos} silo(s))", name, nodes.Count, burst, seconds, 0, 0)];
    }

    /// <summary>Fills pool_items with claimable rows in one statement (the claim path, not submit, is measured).</summary>
    private static async Task PrefillAsync(TestStorage storage)
    {
        const string columns = "item_id, shard, state, priority, required_labels, work, created_by, max_attempts, visibility_ms, available_at, created_at";
        if (storage.Kind == StorageKind.Postgres)
        {
            await storage.ExecuteScalarAsync($"""
                INSERT INTO pool_items ({columns})
                SELECT 'p' || (i % 8) || '-bench' || i, i % 8, 'available', i % 3, '{"{}"}', '{"{\"command\":\"x\"}"}', 'bench', 3, 300000, now(), now()
                FROM generate_series(1, {Prefill}) AS i
                """);
        }
        else
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await storage.ExecuteScalarAsync($"""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Prefill})
                INSERT INTO pool_items ({columns})
                SELECT 'p' || (i % 8) || '-bench' || i, i % 8, 'available', i % 3, '{"{}"}', '{"{\"command\":\"x\"}"}', 'bench', 3, 300000, {now}, {now} FROM n
                """);
        }
    }

    /// <summary>
    /// The storage limit: a minimal queue table and the textbook claim (one row, SKIP LOCKED on
    /// PostgreSQL; one writer at a time on SQLite, gated in-process like the silo's own writes) and complete.
    /// </summary>
    private sealed class RawQueue(RawDatabase database) : IAsyncDisposable
    {
        public static async Task<RawQueue> CreateAsync(TestStorage storage)
        {
            var ddl = storage.Kind == StorageKind.Postgres
                ? $"""
                  CREATE TABLE raw_queue (id bigserial PRIMARY KEY, priority int NOT NULL, state text NOT NULL, payload text NOT NULL, claimed_by text, claimed_at timestamptz);
                  CREATE INDEX raw_queue_available ON raw_queue (priority DESC, id) WHERE state = 'available';
                  INSERT INTO raw_queue (priority, state, payload) SELECT i % 3, 'available', 'x' FROM generate_series(1, {Prefill}) AS i;
                  """
                : $"""
                  CREATE TABLE raw_queue (id INTEGER PRIMARY KEY, priority INTEGER NOT NULL, state TEXT NOT NULL, payload TEXT NOT NULL, claimed_by TEXT, claimed_at INTEGER);
                  CREATE INDEX raw_queue_available ON raw_queue (priority DESC, id) WHERE state = 'available';
                  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Prefill})
                  INSERT INTO raw_queue (priority, state, payload) SELECT i % 3, 'available', 'x' FROM n;
                  """;
            await storage.ExecuteScalarAsync(ddl);
            return new RawQueue(new RawDatabase(storage));
        }

        public async Task ClaimAndCompleteAsync()
        {
            if (database.Postgres is { } postgres)
            {
                await using var claim = postgres.CreateCommand("""
                    UPDATE raw_queue SET state = 'claimed', claimed_by = 'raw', claimed_at = now()
                    WHERE id = (SELECT id FROM raw_queue WHERE state = 'available' ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED)
                    RETURNING id
                    """);
                if (await claim.ExecuteScalarAsync() is long id)
                {
                    await using var complete = postgres.CreateCommand("UPDATE raw_queue SET state = 'done' WHERE id = $1 AND state = 'claimed'");
                    complete.Parameters.Add(new NpgsqlParameter { Value = id });
                    await complete.ExecuteNonQueryAsync();
                }

                return;
            }

            var claimed = await SqliteAsync("""
                UPDATE raw_queue SET state = 'claimed', claimed_by = 'raw', claimed_at = CAST(strftime('%s','now') AS INTEGER) * 1000
                WHERE id = (SELECT id FROM raw_queue WHERE state = 'available' ORDER BY priority DESC, id LIMIT 1)
                RETURNING id
                """, null);
            if (claimed is long rowId)
            {
                await SqliteAsync("UPDATE raw_queue SET state = 'done' WHERE id = $id AND state = 'claimed'", rowId);
            }
        }

        private Task<object?> SqliteAsync(string sql, long? id) =>
            database.SqliteAsync(async connection =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                if (id is { } value)
                {
                    command.Parameters.Add(new SqliteParameter("$id", value));
                }

                return await command.ExecuteScalarAsync();
            });

        public ValueTask DisposeAsync() => database.DisposeAsync();
    }
}
