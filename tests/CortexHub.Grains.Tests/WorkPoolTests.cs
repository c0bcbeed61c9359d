using System.Collections.Concurrent;
using System.Text.Json;
using CortexHub.Grains;
using CortexHub.Grains.Events;
using CortexHub.Grains.Pool;
using CortexHub.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CortexHub.Grains.Tests;

/// <summary>Work pool semantics through the real API and claim statement, on both backends.</summary>
public sealed class WorkPoolTests
{
    private static readonly Dictionary<string, string> NoLabels = [];

    /// <summary>SQLite keeps times in whole milliseconds.</summary>
    private static readonly TimeSpan Tolerance = TimeSpan.FromMilliseconds(2);

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task Submit_SameIdempotencyKey_ReturnsTheFirstItem(StorageKind kind)
    {
        await using var cluster = await StartAsync(kind);
        var pool = Pool(cluster);

        var first = await pool.SubmitAsync(Work("make", idempotencyKey: "build-42"));
        var again = await pool.SubmitAsync(Work("make --again", idempotencyKey: "build-42"));
        var otherUser = await pool.SubmitAsync(Work("make", idempotencyKey: "build-42") with { CreatedBy = "someone-else" });

        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Equal(first.Item.ItemId, again.Item.ItemId);
        Assert.Equal("make", again.Item.Work.Command);
        Assert.NotEqual(first.Item.ItemId, otherUser.Item.ItemId);
        Assert.Equal(2, (await pool.ListAsync()).Count);
    }

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task Claim_HighestPriorityFirst_FifoWithin_OnlyMatchingLabels_OnlyTheOwnersItems(StorageKind kind)
    {
        await using var cluster = await StartAsync(kind);
        var pool = Pool(cluster);
        var store = Store(cluster);
        var a = await SubmitAsync(pool, "a", priority: 0);
        var b = await SubmitAsync(pool, "b", priority: 5);
        var c = await SubmitAsync(pool, "c", priority: 5);
        var d = await SubmitAsync(pool, "d", priority: 1, labels: new() { ["gpu"] = "1" });
        var e = await SubmitAsync(pool, "e", priority: 9, labels: new() { ["gpu"] = "1", ["os"] = "linux" });
        var f = await SubmitAsync(pool, "f", priority: 9, labels: new() { ["gpu"] = "2" });
        var other = (await pool.SubmitAsync(Work("someone else's", priority: 100) with { CreatedBy = "mallory" })).Item.ItemId;

        var plain = new List<string>();
        while ((await store.PoolClaimAsync("plain", "tester", NoLabels, 1, DateTimeOffset.UtcNow)) is [var item])
        {
            plain.Add(item.ItemId);
        }

        var gpu = await store.PoolClaimAsync("gpu", "tester", new Dictionary<string, string> { ["gpu"] = "1", ["os"] = "linux", ["zone"] = "x" }, 10, DateTimeOffset.UtcNow);

        Assert.Equal([b, c, a], plain);
        Assert.Equal([e, d], gpu.Select(i => i.ItemId));
        Assert.Equal(PoolItemState.Available, (await pool.GetAsync(f))!.State); // gpu=2 matches no one
        Assert.Equal(PoolItemState.Available, (await pool.GetAsync(other))!.State); // nodes run only their owner's items
    }

    [Theory]
    [InlineData(StorageKind.Sqlite, 1)]
    [InlineData(StorageKind.Postgres, 2)]
    public async Task Claim_ManyConcurrentClaimersOnEverySilo_EachItemHeldByOneClaimer(StorageKind kind, int silos)
    {
        await using var cluster = await StartAsync(kind, silos);
        var pool = Pool(cluster);
        const int items = 2_000;
        await Parallel.ForEachAsync(Enumerable.Range(0, items), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            await pool.SubmitAsync(Work($"job {i}", priority: i % 3)));

        var claims = new ConcurrentBag<(string Item, string Claimer)>();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(claimer => Task.Run(async () =>
        {
            var store = Store(cluster, claimer % silos);
            var random = new Random(claimer);
            while (await store.PoolClaimAsync($"n{claimer}", "tester", NoLabels, random.Next(1, 6), DateTimeOffset.UtcNow) is { Count: > 0 } got)
            {
                foreach (var item in got)
                {
                    claims.Add((item.ItemId, $"n{claimer}"));
                    Assert.Equal(1, item.Attempts);
                }
            }
        })));

        Assert.Equal(items, claims.Count);
        Assert.Equal(items, claims.Select(c => c.Item).Distinct().Count());
        var stats = await pool.StatsAsync();
        Assert.Equal(items, stats.Counts[PoolItemState.Claimed]);
        Assert.Equal(items, stats.InFlightByNode.Values.Sum());
    }

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task ClaimMany_OneTransaction_AppliesTheClaimsInOrder_EachWithItsOwnOwnerLabelsAndLimit(StorageKind kind)
    {
        await using var cluster = await StartAsync(kind);
        var pool = Pool(cluster);
        var a = await SubmitAsync(pool, "a", priority: 3);
        var b = await SubmitAsync(pool, "b", priority: 2);
        var c = await SubmitAsync(pool, "c", priority: 1);
        var gpu = await SubmitAsync(pool, "gpu", priority: 0, labels: new() { ["gpu"] = "1" });
        var other = (await pool.SubmitAsync(Work("mallory's", priority: 9) with { CreatedBy = "mallory" })).Item.ItemId;

        var results = await Store(cluster).PoolClaimManyAsync(
            [
                new PoolClaimRequest("n1", "tester", NoLabels, 2),
                new PoolClaimRequest("n2", "nobody", NoLabels, 5),
                new PoolClaimRequest("n3", "tester", new Dictionary<string, string> { ["gpu"] = "1" }, 5),
                new PoolClaimRequest("n4", "mallory", NoLabels, 1),
            ], DateTimeOffset.UtcNow);

        Assert.Equal(4, results.Count);
        Assert.Equal([a, b], results[0].Select(i => i.ItemId));
        Assert.Empty(results[1]);
        Assert.Equal([c, gpu], results[2].Select(i => i.ItemId)); // what n1 took is gone; the best of the rest first
        Assert.Equal([other], results[3].Select(i => i.ItemId));
        Assert.All(results.SelectMany((r, i) => r.Select(item => (item, node: $"n{i + 1}"))), x => Assert.Equal((PoolItemState.Claimed, x.node, 1L), (x.item.State, x.item.ClaimedBy, x.item.LeaseTerm)));

        // Claims of one owner with the same labels share a statement (one slot per item asked for), even a node asking twice.
        var next = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            next.Add(await SubmitAsync(pool, $"next {i}", priority: 10 - i));
        }

        var shared = await Store(cluster).PoolClaimManyAsync(
            [
                new PoolClaimRequest("n1", "tester", NoLabels, 1),
                new PoolClaimRequest("n2", "tester", NoLabels, 2),
                new PoolClaimRequest("n1", "tester", NoLabels, 1),
                new PoolClaimRequest("n5", "tester", NoLabels, 0),
            ], DateTimeOffset.UtcNow);
        Assert.Equal([[next[0]], [next[1], next[2]], [next[3]], []], shared.Select(r => r.Select(i => i.ItemId).ToArray()));
        Assert.Equal(["n1", "n2", "n2", "n1"], shared.SelectMany(r => r.Select(i => i.ClaimedBy!)));
    }

    [Theory]
    [InlineData(StorageKind.Sqlite, 1)]
    [InlineData(StorageKind.Postgres, 2)]
    public async Task Claims_ManyConcurrentCallersOnEverySilo_GroupCommitted_EachItemHeldByOneCallerWithinItsLimit(StorageKind kind, int silos)
    {
        await using var cluster = await StartAsync(kind, silos);
        var pool = Pool(cluster);
        const int items = 1_000;
        await Parallel.ForEachAsync(Enumerable.Range(0, items), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            await pool.SubmitAsync(Work($"job {i}", priority: i % 3, labels: i % 4 == 0 ? new() { ["gpu"] = "1" } : null)));

        var claims = new ConcurrentBag<(PoolItem Item, string Claimer, bool Gpu)>();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(claimer => Task.Run(async () =>
        {
            var claimers = cluster[claimer % silos].Services.GetRequiredService<PoolClaims>();
            var random = new Random(claimer);
            var gpu = claimer % 2 == 0;
            var labels = gpu ? new Dictionary<string, string> { ["gpu"] = "1" } : NoLabels;
            while (true)
            {
                var limit = random.Next(1, 6);
                var got = await claimers.ClaimAsync($"n{claimer}", "tester", labels, limit);
                Assert.InRange(got.Count, 0, limit);
                if (got.Count == 0)
                {
                    return;
                }

                foreach (var item in got)
                {
                    claims.Add((item, $"n{claimer}", gpu));
                }
            }
        })));

        Assert.Equal(items, claims.Count);
        Assert.Equal(items, claims.Select(c => c.Item.ItemId).Distinct().Count());
        Assert.All(claims, c => Assert.Equal((PoolItemState.Claimed, c.Claimer, 1L), (c.Item.State, c.Item.ClaimedBy, c.Item.LeaseTerm)));
        Assert.All(claims.Where(c => c.Item.RequiredLabels.Count > 0), c => Assert.True(c.Gpu, "a gpu item went to a node without the label"));
        Assert.Equal(items, (await pool.StatsAsync()).Counts[PoolItemState.Claimed]);
    }

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task Fail_RetriesAfterGrowingBackoff_ThenDeadLetters_RequeueAndDelete(StorageKind kind)
    {
        await using var cluster = await StartAsync(kind, configure: o => o.Configuration["CortexHub:Pool:RetryBaseDelay"] = "00:00:00.300");
        var pool = Pool(cluster);
        var store = Store(cluster);
        var id = (await pool.SubmitAsync(Work("flaky", maxAttempts: 3))).Item.ItemId;

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var claimed = await ClaimEventuallyAsync(store, id);
            Assert.Equal(attempt, claimed.Attempts);
            var before = DateTimeOffset.UtcNow;
            var after = await pool.FailAsync(new PoolClaimRef(id, claimed.LeaseTerm), $"boom {attempt}", exitCode: 7);
            var returned = DateTimeOffset.UtcNow;
            Assert.NotNull(after);
            if (attempt < 3)
            {
                // 300 ms, then 600 ms after the failure was recorded (somewhere between the call and its return).
                var backoff = TimeSpan.FromMilliseconds(300 << (attempt - 1));
                Assert.Equal(PoolItemState.Available, after.State);
                Assert.InRange(after.AvailableAt, before + backoff - Tolerance, returned + backoff + Tolerance);
                Assert.Empty(await store.PoolClaimAsync("n1", "tester", NoLabels, 1, before)); // not claimable before the backoff ends
            }
            else
            {
                Assert.Equal(PoolItemState.Dead, after.State);
                Assert.Equal("boom 3", after.LastError);
                Assert.Equal(7, after.ExitCode);
            }
        }

        Assert.Single(await pool.ListAsync(PoolItemState.Dead));

        Assert.False(await pool.DeleteAsync("p0-not-an-item"));
        var requeued = await pool.RequeueAsync(id);
        Assert.Equal((PoolItemState.Available, 0), (requeued!.State, requeued.Attempts));
        Assert.Null(await pool.RequeueAsync(id)); // only dead letters
        Assert.False(await pool.DeleteAsync(id)); // live items are cancelled first
        Assert.Equal(PoolItemState.Cancelled, (await pool.CancelAsync(id, "no longer needed"))!.State);
        Assert.True(await pool.DeleteAsync(id));
        Assert.Null(await pool.GetAsync(id));
    }

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task Outcome_WithStaleLeaseTerm_ChangesNothing(StorageKind kind)
    {
        await using var cluster = await StartAsync(kind, configure: o => o.Configuration["CortexHub:Pool:RetryBaseDelay"] = "00:00:00.010");
        var pool = Pool(cluster);
        var store = Store(cluster);
        var id = (await pool.SubmitAsync(Work("x"))).Item.ItemId;
        var first = await ClaimEventuallyAsync(store, id);
        await pool.FailAsync(new PoolClaimRef(id, first.LeaseTerm), "lost it");
        var second = await ClaimEventuallyAsync(store, id, "n2");

        Assert.Null(await pool.CompleteAsync(new PoolClaimRef(id, first.LeaseTerm), 0)); // the first claimer's lease is over
        Assert.Null(await pool.FailAsync(new PoolClaimRef(id, first.LeaseTerm), "late"));
        var item = await pool.GetAsync(id);
        Assert.Equal((PoolItemState.Claimed, "n2", second.LeaseTerm), (item!.State, item.ClaimedBy, item.LeaseTerm));
        Assert.Equal(PoolItemState.Done, (await pool.CompleteAsync(new PoolClaimRef(id, second.LeaseTerm), 0))!.State);
    }

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task Finish_OneStatementWithAStaleTermAmongMany_OnlyTheStaleOneChangesNothing(StorageKind kind)
    {
        await using var cluster = await StartAsync(kind, configure: o => o.Configuration["CortexHub:Pool:RetryBaseDelay"] = "00:00:00.010");
        var pool = Pool(cluster);
        var store = Store(cluster);
        for (var i = 0; i < 4; i++)
        {
            await SubmitAsync(pool, $"job {i}");
        }

        var claims = await store.PoolClaimAsync("n1", "tester", NoLabels, 4, DateTimeOffset.UtcNow);
        var stale = claims[3];
        await pool.FailAsync(new PoolClaimRef(stale.ItemId, stale.LeaseTerm), "lost it");
        var reclaimed = await ClaimEventuallyAsync(store, stale.ItemId, "n2");

        var now = DateTimeOffset.UtcNow;
        var changed = await store.PoolFinishAsync(
            [
                new PoolOutcome(claims[0].ItemId, claims[0].LeaseTerm, Succeeded: true, null, 0),
                new PoolOutcome(claims[1].ItemId, claims[1].LeaseTerm, Succeeded: false, "boom", 3),
                new PoolOutcome(claims[2].ItemId, claims[2].LeaseTerm, Succeeded: true, null, null),
                new PoolOutcome(stale.ItemId, stale.LeaseTerm, Succeeded: true, null, 0),
            ], TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), now);

        Assert.Equal(new[] { claims[0].ItemId, claims[1].ItemId, claims[2].ItemId }.Order(), changed.Select(i => i.ItemId).Order());
        var byId = changed.ToDictionary(i => i.ItemId);
        Assert.Equal((PoolItemState.Done, 0, null), (byId[claims[0].ItemId].State, byId[claims[0].ItemId].ExitCode, byId[claims[0].ItemId].LastError));
        Assert.Equal((PoolItemState.Available, 3, "boom"), (byId[claims[1].ItemId].State, byId[claims[1].ItemId].ExitCode, byId[claims[1].ItemId].LastError));
        Assert.InRange(byId[claims[1].ItemId].AvailableAt, now + TimeSpan.FromSeconds(1) - Tolerance, now + TimeSpan.FromSeconds(1) + Tolerance);
        Assert.Equal((PoolItemState.Done, (int?)null), (byId[claims[2].ItemId].State, byId[claims[2].ItemId].ExitCode));
        var untouched = await pool.GetAsync(stale.ItemId);
        Assert.Equal((PoolItemState.Claimed, "n2", reclaimed.LeaseTerm), (untouched!.State, untouched.ClaimedBy, untouched.LeaseTerm));
        await Assert.ThrowsAsync<ArgumentException>(() => store.PoolFinishAsync(
            [new PoolOutcome(stale.ItemId, reclaimed.LeaseTerm, true, null, 0), new PoolOutcome(stale.ItemId, reclaimed.LeaseTerm, true, null, 0)],
            TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), now));
    }

    [Theory]
    [InlineData(StorageKind.Sqlite, 1)]
    [InlineData(StorageKind.Postgres, 2)]
    public async Task Outcomes_ManyConcurrentCallers_EachGetsItsOwnAnswer_StaleAndRepeatedOnesChangeNothing(StorageKind kind, int silos)
    {
        await using var cluster = await StartAsync(kind, silos, o => o.Configuration["CortexHub:Pool:RetryBaseDelay"] = "00:00:00.010");
        var pool = Pool(cluster);
        const int items = 200;
        await Parallel.ForEachAsync(Enumerable.Range(0, items), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            await pool.SubmitAsync(Work($"job {i}")));
        var claims = (await Store(cluster).PoolClaimAsync("n1", "tester", NoLabels, items, DateTimeOffset.UtcNow)).ToList();
        Assert.Equal(items, claims.Count);

        // One claim ended before the burst and was claimed again: its first term is stale.
        var stale = claims[17];
        await pool.FailAsync(new PoolClaimRef(stale.ItemId, stale.LeaseTerm), "lost it");
        var reclaimed = await ClaimEventuallyAsync(Store(cluster), stale.ItemId, "n2");
        await using var events = await cluster[0].Services.GetRequiredService<EventHub>().SubscribeAsync([EventTopics.All]);

        // Every claim completed (even ones fail, every tenth twice, from every silo) all at once: the
        // silo batches them, yet each caller learns what its own outcome did.
        var calls = claims.SelectMany((c, i) => i % 10 == 0 ? new[] { (c, i), (c, i) } : [(c, i)]).ToList();
        var answers = await Task.WhenAll(calls.Select(call => Task.Run(async () =>
        {
            var (claim, i) = call;
            var silo = Pool(cluster, i % silos);
            var reference = new PoolClaimRef(claim.ItemId, claim.LeaseTerm);
            return (Claim: claim, Index: i, Item: i % 2 == 1 ? await silo.FailAsync(reference, $"failed {i}", i) : await silo.CompleteAsync(reference, 0));
        })));

        Assert.All(answers.Where(a => a.Claim == stale), a => Assert.Null(a.Item));
        foreach (var group in answers.Where(a => a.Claim != stale).GroupBy(a => a.Claim.ItemId))
        {
            var accepted = Assert.Single(group, a => a.Item is not null); // a repeat of the same term is stale
            Assert.Equal(accepted.Index % 2 == 1 ? PoolItemState.Available : PoolItemState.Done, accepted.Item!.State);
            Assert.Equal(accepted.Index % 2 == 1 ? $"failed {accepted.Index}" : null, accepted.Item.LastError);
        }

        var stored = (await pool.ListAsync(limit: 1000)).ToDictionary(i => i.ItemId);
        Assert.Equal(items / 2, stored.Values.Count(i => i.State == PoolItemState.Done));
        Assert.Equal(items / 2 - 1, stored.Values.Count(i => i.State == PoolItemState.Available)); // the odd ones but the stale one
        Assert.Equal((PoolItemState.Claimed, "n2", reclaimed.LeaseTerm), (stored[stale.ItemId].State, stored[stale.ItemId].ClaimedBy, stored[stale.ItemId].LeaseTerm));

        // Each accepted outcome is announced once on the event bus (the stale one's earlier failure was announced before).
        var announced = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var envelope in events.ReadAllAsync(timeout.Token))
        {
            if (envelope.Event is { Kind: HubEventKinds.PoolItem } e && e.Source != "pool:" + stale.ItemId
                && JsonDocument.Parse(e.PayloadJson).RootElement.GetProperty("change").GetString() is "done" or "retry")
            {
                announced.Add(e.Source);
                if (announced.Count == items - 1)
                {
                    break;
                }
            }
        }

        Assert.Equal(items - 1, announced.Distinct().Count());
    }

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task Reaper_ReturnsExpiredLeasesAndOrphanedClaims_CountingTheAttempt(StorageKind kind)
    {
        await using var cluster = await StartAsync(kind, configure: o =>
        {
            o.Configuration["CortexHub:Pool:OrphanGrace"] = "00:00:00.500";
            o.Configuration["CortexHub:Pool:RetryBaseDelay"] = "00:00:00.010";
        });
        var pool = Pool(cluster);
        var store = Store(cluster);
        var expiring = (await pool.SubmitAsync(Work("short lease", visibility: TimeSpan.FromSeconds(1)))).Item.ItemId;
        var orphaned = (await pool.SubmitAsync(Work("long lease"))).Item.ItemId;
        await ClaimEventuallyAsync(store, expiring, "alive-node");
        await ClaimEventuallyAsync(store, orphaned, "vanished-node");
        var reaper = cluster[0].Services.GetRequiredService<PoolReaper>();

        await Task.Delay(TimeSpan.FromMilliseconds(1_200));
        await reaper.SweepAsync(CancellationToken.None);

        var e = await pool.GetAsync(expiring);
        var o = await pool.GetAsync(orphaned);
        Assert.Equal((PoolItemState.Available, 1), (e!.State, e.Attempts));
        Assert.Contains("expired", e.LastError);
        Assert.Equal((PoolItemState.Available, 1), (o!.State, o.Attempts));
        Assert.Contains("gone longer than", o.LastError);
        var stats = cluster[0].Services.GetRequiredService<PoolMetrics>().LatestStats;
        Assert.Equal(2, stats!.DepthByPriority[0]);
        Assert.NotNull(stats.OldestAvailableAge);
    }

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task Reaper_SettlesClaimsLeftUndispatched_WithoutWaitingForTheirLease(StorageKind kind)
    {
        await using var cluster = await StartAsync(kind, configure: o => o.Configuration["CortexHub:Pool:DispatchGrace"] = "00:00:00.300");
        var pool = Pool(cluster);
        var store = Store(cluster);
        var neverSent = (await pool.SubmitAsync(Work("its silo died before dispatching it"))).Item.ItemId;
        var sentUnmarked = (await pool.SubmitAsync(Work("dispatched, but the mark was lost"))).Item.ItemId;
        var first = await ClaimEventuallyAsync(store, neverSent);
        var second = await ClaimEventuallyAsync(store, sentUnmarked);
        await cluster.GetGrain<ITaskGrain>(second.TaskId!).DispatchAsync(PoolDispatcher.TaskSpecFor(second, "n1"));

        await Task.Delay(TimeSpan.FromMilliseconds(500));
        await cluster[0].Services.GetRequiredService<PoolReaper>().SweepAsync(CancellationToken.None);

        var returned = await pool.GetAsync(neverSent);
        Assert.Equal((PoolItemState.Available, 1), (returned!.State, returned.Attempts));
        Assert.Contains("never dispatched", returned.LastError);
        Assert.Equal(TaskState.Lost, (await cluster.GetGrain<ITaskGrain>(first.TaskId!).GetAsync()).State); // and it never will run
        var kept = await pool.GetAsync(sentUnmarked);
        Assert.Equal((PoolItemState.Claimed, true, 1), (kept!.State, kept.Dispatched, kept.Attempts)); // still its first attempt; heartbeats renew it from now on
    }

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task Pool_SiloKilledAndRestarted_ItemsInEveryStateSurvive(StorageKind kind)
    {
        await using var cluster = await StartAsync(kind, configure: o => o.Configuration["CortexHub:Pool:RetryBaseDelay"] = "00:10:00");
        var pool = Pool(cluster);
        var store = Store(cluster);
        var available = await SubmitAsync(pool, "available");
        // The claim after the restart names this time (claims take the clock as a parameter), so the
        // delayed item is not yet due for it however slowly the kill and restart run.
        var beforeDelayed = DateTimeOffset.UtcNow;
        var delayed = (await pool.SubmitAsync(Work("delayed", delay: TimeSpan.FromSeconds(6)))).Item.ItemId;
        var claimed = await SubmitAsync(pool, "claimed", priority: 4);
        var done = await SubmitAsync(pool, "done", priority: 3);
        var dead = (await pool.SubmitAsync(Work("dead", maxAttempts: 1, priority: 2))).Item.ItemId;
        var retrying = (await pool.SubmitAsync(Work("retrying", priority: 1))).Item.ItemId;
        var cancelled = await SubmitAsync(pool, "cancelled");
        await pool.CancelAsync(cancelled, "changed my mind");
        var claims = (await store.PoolClaimAsync("n1", "tester", NoLabels, 4, DateTimeOffset.UtcNow)).ToDictionary(i => i.ItemId);
        Assert.Equal([claimed, done, dead, retrying], claims.Keys);
        await pool.CompleteAsync(new PoolClaimRef(done, claims[done].LeaseTerm), 0);
        await pool.FailAsync(new PoolClaimRef(dead, claims[dead].LeaseTerm), "out of attempts");
        await pool.FailAsync(new PoolClaimRef(retrying, claims[retrying].LeaseTerm), "try later");
        var before = await pool.ListAsync();

        cluster.KillSilo(0);
        await cluster.RestartSiloAsync(0);
        pool = Pool(cluster);

        var after = await pool.ListAsync();
        Assert.Equal(before.Select(Durable), after.Select(Durable));
        Assert.Equal(
            [PoolItemState.Available, PoolItemState.Available, PoolItemState.Claimed, PoolItemState.Done, PoolItemState.Dead, PoolItemState.Available, PoolItemState.Cancelled],
            after.Select(i => i.State));
        Assert.Equal(PoolItemState.Done, (await pool.CompleteAsync(new PoolClaimRef(claimed, claims[claimed].LeaseTerm), 0))!.State);
        Assert.Equal([available], (await Store(cluster).PoolClaimAsync("n2", "tester", NoLabels, 10, beforeDelayed)).Select(i => i.ItemId));
        await TestCluster.WaitUntilAsync(async () => (await Store(cluster).PoolClaimAsync("n2", "tester", NoLabels, 10, DateTimeOffset.UtcNow)).Any(i => i.ItemId == delayed),
            TimeSpan.FromSeconds(15), "the delayed item becomes claimable");
    }

    [Fact]
    public async Task Reaper_RunsOnExactlyOneSilo_AndMovesWhenItsSiloDies()
    {
        await using var cluster = await StartAsync(StorageKind.Postgres, 3, o => o.Configuration["CortexHub:Pool:ReaperInterval"] = "00:00:00.200");
        var statuses = await Task.WhenAll(cluster.Silos.Select(s => s.Cluster.GetGrain<IPoolReaperGrain>(PoolReaperGrain.Key).GetStatusAsync()));
        Assert.Single(statuses.Select(s => s.Silo).Distinct()); // one activation, whichever silo asks
        var host = cluster.Silos.ToList().FindIndex(s => s.OrleansSilo == statuses[0].Silo);
        Assert.True(host >= 0, $"the reaper runs on {statuses[0].Silo}, which is none of the cluster's silos");
        await TestCluster.WaitUntilAsync(async () => (await cluster[host].Cluster.GetGrain<IPoolReaperGrain>(PoolReaperGrain.Key).GetStatusAsync()).Sweeps > 0,
            TimeSpan.FromSeconds(10), "the reaper sweeps");

        cluster.KillSilo(host);
        var survivor = cluster[(host + 1) % 3];
        await TestCluster.WaitUntilAsync(async () =>
            {
                var status = await survivor.Cluster.GetGrain<IPoolReaperGrain>(PoolReaperGrain.Key).GetStatusAsync();
                return status.Silo != statuses[0].Silo && status.Sweeps > 0;
            },
            TimeSpan.FromSeconds(20), "the reaper runs and sweeps on another silo");
    }

    [Fact]
    public async Task Submit_InvalidRequest_NamesEveryBadField()
    {
        await using var cluster = await StartAsync(StorageKind.Sqlite);
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => Pool(cluster).SubmitAsync(
            new PoolSubmitRequest(new PoolWork(" "), "tester", MaxAttempts: 0, VisibilityTimeout: TimeSpan.Zero, IdempotencyKey: "")));

        Assert.Equal(["idempotencyKey", "maxAttempts", "visibilityTimeout", "work.command"], error.Errors.Keys.Order());
        Assert.Empty(await Pool(cluster).ListAsync());
    }

    private static object Durable(PoolItem i) => new
    {
        i.ItemId, i.Seq, i.State, i.Priority, Labels = string.Join(",", i.RequiredLabels), i.Work.Command, i.Attempts, i.MaxAttempts, i.LeaseTerm,
        i.ClaimedBy, i.ClaimedAt, i.LeaseExpiresAt, i.AvailableAt, i.TaskId, i.LastError, i.ExitCode, i.CreatedAt, i.FinishedAt,
    };

    private static async Task<PoolItem> ClaimEventuallyAsync(IPoolStore store, string itemId, string node = "n1")
    {
        PoolItem? claimed = null;
        await TestCluster.WaitUntilAsync(async () =>
        {
            // One at a time (best first): the test's items are submitted so the expected one is next.
            claimed = (await store.PoolClaimAsync(node, "tester", NoLabels, 1, DateTimeOffset.UtcNow)).SingleOrDefault();
            Assert.True(claimed is null || claimed.ItemId == itemId, $"Claimed {claimed?.ItemId}, expected {itemId}.");
            return claimed is not null;
        }, TimeSpan.FromSeconds(10), $"item {itemId} is claimable");
        return claimed!;
    }

    private static async Task<string> SubmitAsync(WorkPool pool, string command, int priority = 0, Dictionary<string, string>? labels = null) =>
        (await pool.SubmitAsync(Work(command, priority: priority, labels: labels))).Item.ItemId;

    private static PoolSubmitRequest Work(
        string command, int priority = 0, Dictionary<string, string>? labels = null, string? idempotencyKey = null, int? maxAttempts = null,
        TimeSpan? visibility = null, TimeSpan? delay = null) =>
        new(new PoolWork(command), "tester", priority, labels, idempotencyKey, maxAttempts, visibility, delay);

    private static WorkPool Pool(TestCluster cluster, int silo = 0) => cluster[silo].Services.GetRequiredService<WorkPool>();

    private static IPoolStore Store(TestCluster cluster, int silo = 0) => cluster[silo].Services.GetRequiredService<IPoolStore>();

    private static async Task<TestCluster> StartAsync(StorageKind kind, int silos = 1, Action<TestClusterOptions>? configure = null)
    {
        var options = new TestClusterOptions { InitialSilos = silos, Storage = await TestStorage.CreateAsync(kind) };
        configure?.Invoke(options);
        return await TestCluster.StartAsync(options);
    }
}
