using System.Diagnostics;
using CortexHub.Grains.Events;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CortexHub.Grains.Tests;

public sealed class EventBusTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Subscribers_10000AbandonedWithoutUnsubscribing_NoneRemainAfterPrune()
    {
        await using var cluster = await StartAsync(StorageKind.Sqlite, o =>
        {
            // Long enough that none is pruned while the 10,000 are still being created on a busy machine.
            o.Configuration["CortexHub:Events:AbandonAfter"] = "00:00:05";
            o.Configuration["CortexHub:Events:PruneInterval"] = "00:00:00.200";
        });
        var hub = cluster[0].Services.GetRequiredService<EventHub>();

        for (var i = 0; i < 10_000; i++)
        {
            await hub.SubscribeAsync([EventTopics.Node($"n{i % 100}")]);
        }

        Assert.Equal(10_000, hub.SubscriberCount);
        await TestCluster.WaitUntilAsync(() => Task.FromResult(hub.SubscriberCount == 0), Wait, "every abandoned subscriber was pruned");
    }

    [Fact]
    public async Task Subscriber_ReadingAndIdle_IsNotPruned()
    {
        await using var cluster = await StartAsync(StorageKind.Sqlite, o =>
        {
            o.Configuration["CortexHub:Events:AbandonAfter"] = "00:00:00.300";
            o.Configuration["CortexHub:Events:PruneInterval"] = "00:00:00.100";
        });
        var hub = cluster[0].Services.GetRequiredService<EventHub>();
        await using var subscription = await hub.SubscribeAsync([EventTopics.Node("quiet")]);
        var first = ReadAsync(subscription, 1);

        await Task.Delay(TimeSpan.FromSeconds(1)); // longer than AbandonAfter, while the reader waits
        await hub.PublishAsync(Draft("node:quiet", nodeId: "quiet"));

        Assert.Single(await first.WaitAsync(Wait));
    }

    [Fact]
    public async Task StalledSubscriber_DoesNotSlowDeliveryTo100Others()
    {
        await using var cluster = await StartAsync(StorageKind.Sqlite, o =>
        {
            o.Configuration["CortexHub:Events:SubscriberCapacity"] = "64";
            o.Configuration["CortexHub:Events:MaxMissed"] = "1000000";
        });
        var hub = cluster[0].Services.GetRequiredService<EventHub>();
        const int events = 2000;

        var (baseline, _) = await DeliverAsync(hub, events, withStalled: false);
        var (withStalled, stalled) = await DeliverAsync(hub, events, withStalled: true);

        var stalledFirst = new List<EventEnvelope>();
        await foreach (var e in stalled!.ReadAllAsync())
        {
            stalledFirst.Add(e);
            if (stalledFirst.Count == 65)
            {
                break;
            }
        }

        Assert.True(stalledFirst[64].IsGap, "the stalled subscriber reads a gap marker after its full queue");
        Assert.Equal(events - 64, stalledFirst[64].Missed);
        output.WriteLine($"{events} events to 100 readers: {baseline.TotalMilliseconds:F0} ms alone, {withStalled.TotalMilliseconds:F0} ms with a stalled subscriber ({events * 100 / withStalled.TotalSeconds:N0} deliveries/s)");
    }

    /// <summary>Publishes from 20 sources to 100 reading subscribers (plus one that never reads); every reader must get every event.</summary>
    private static async Task<(TimeSpan Elapsed, EventSubscription? Stalled)> DeliverAsync(EventHub hub, int events, bool withStalled)
    {
        var stalled = withStalled ? await hub.SubscribeAsync([EventTopics.All]) : null;
        var subscriptions = new List<EventSubscription>();
        for (var i = 0; i < 100; i++)
        {
            subscriptions.Add(await hub.SubscribeAsync([EventTopics.All], capacity: 4096));
        }

        var readers = subscriptions.Select(s => ReadAsync(s, events)).ToList();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 20).Select(async source =>
        {
            for (var i = 0; i < events / 20; i++)
            {
                await hub.PublishAsync(Draft($"src-{source}", payload: $"{{\"i\":{i}}}"));
            }
        }));
        var received = await Task.WhenAll(readers).WaitAsync(Wait);
        clock.Stop();
        Assert.All(received, r => Assert.Equal(events, r.Count(e => !e.IsGap)));
        foreach (var subscription in subscriptions)
        {
            await subscription.DisposeAsync();
        }

        return (clock.Elapsed, stalled);
    }

    [Fact]
    public async Task SlowSubscriber_PastMaxMissed_Disconnected()
    {
        await using var cluster = await StartAsync(StorageKind.Sqlite, o =>
        {
            o.Configuration["CortexHub:Events:SubscriberCapacity"] = "4";
            o.Configuration["CortexHub:Events:MaxMissed"] = "10";
        });
        var hub = cluster[0].Services.GetRequiredService<EventHub>();
        var slow = await hub.SubscribeAsync([EventTopics.Task("busy")]);

        for (var i = 0; i < 20; i++)
        {
            await hub.PublishAsync(Draft("task:busy", taskId: "busy"));
        }

        await TestCluster.WaitUntilAsync(() => Task.FromResult(slow.IsCompleted), Wait, "the slow subscriber was disconnected");
        var error = await Assert.ThrowsAsync<SlowSubscriberException>(() => slow.Completion);
        Assert.Contains("resubscribe", error.Message);
    }

    [Fact]
    public async Task Subscriber_OnNodeAndItsUser_GetsEachEventOnce()
    {
        await using var cluster = await StartAsync(StorageKind.Sqlite);
        var hub = cluster[0].Services.GetRequiredService<EventHub>();
        await using var subscription = await hub.SubscribeAsync([EventTopics.Node("n1"), EventTopics.User("alice")]);
        var reading = ReadAsync(subscription, 3);

        await hub.PublishAsync(Draft("node:n1", nodeId: "n1", userId: "alice", payload: "{\"i\":1}"));
        await hub.PublishAsync(Draft("node:n2", nodeId: "n2", userId: "alice", payload: "{\"i\":2}"));
        await hub.PublishAsync(Draft("node:n3", nodeId: "n3", userId: "bob", payload: "{\"i\":3}"));
        await hub.PublishAsync(Draft("node:n1", nodeId: "n1", userId: "alice", payload: "{\"i\":4}"));

        var got = await reading.WaitAsync(Wait);
        Assert.Equal(["{\"i\":1}", "{\"i\":2}", "{\"i\":4}"], got.Select(e => e.Event!.PayloadJson));
    }

    [Fact]
    public async Task Subscriber_ResumingFromAnEventId_GetsHistoryThenLiveWithoutDuplicates()
    {
        await using var cluster = await StartAsync(StorageKind.Sqlite);
        var hub = cluster[0].Services.GetRequiredService<EventHub>();
        await using (var first = await hub.SubscribeAsync([EventTopics.Task("t")]))
        {
            var reading = ReadAsync(first, 3);
            for (var i = 1; i <= 3; i++)
            {
                await hub.PublishAsync(Draft("task:t", taskId: "t", payload: $"{{\"i\":{i}}}"));
            }

            var seen = await reading.WaitAsync(Wait);
            var resumeAfter = seen[0].Event!.Id;
            for (var i = 4; i <= 5; i++)
            {
                await hub.PublishAsync(Draft("task:t", taskId: "t", payload: $"{{\"i\":{i}}}"));
            }

            await using var resumed = await hub.SubscribeAsync([EventTopics.Task("t")], afterEventId: resumeAfter);
            var replay = ReadAsync(resumed, 5);
            await hub.PublishAsync(Draft("task:t", taskId: "t", payload: "{\"i\":6}"));

            Assert.Equal(Enumerable.Range(2, 5).Select(i => $"{{\"i\":{i}}}"), (await replay.WaitAsync(Wait)).Select(e => e.Event!.PayloadJson));
        }
    }

    [Fact]
    public async Task Subscriber_ResumingFromAnEarlyIdOf5000Stored_GetsEveryEventOnceInOrderThenLive()
    {
        await using var cluster = await StartAsync(StorageKind.Postgres);
        var hub = cluster[0].Services.GetRequiredService<EventHub>();
        const int stored = 5000, live = 300;
        for (var batch = 0; batch < stored / 100; batch++)
        {
            await Task.WhenAll(Enumerable.Range(batch * 100, 100).Select(i => hub.PublishAsync(Draft("task:long", taskId: "long", payload: $"{{\"i\":{i}}}"))));
        }

        HubEvent earliest;
        await using (var fromStart = await hub.SubscribeAsync([EventTopics.Task("long")], afterEventId: 0))
        {
            earliest = (await ReadAsync(fromStart, 1).WaitAsync(Wait))[0].Event!;
        }

        // Resumes after the earliest stored event while live events keep coming.
        await using var resumed = await hub.SubscribeAsync([EventTopics.Task("long")], afterEventId: earliest.Id);
        var reading = ReadUntilGapAsync(resumed, stored - 1 + live);
        for (var i = stored; i < stored + live; i++)
        {
            await hub.PublishAsync(Draft("task:long", taskId: "long", payload: $"{{\"i\":{i}}}"));
        }

        var got = await reading.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.False(got.Any(e => e.IsGap), $"a gap marker after {got.Count(e => !e.IsGap)} events, though every event is stored");
        var ids = got.Select(e => e.Event!.Id).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(
            Enumerable.Range(0, stored + live).Select(i => $"{{\"i\":{i}}}").Where(p => p != earliest.PayloadJson).Order(),
            got.Select(e => e.Event!.PayloadJson).Order());
    }

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task Subscriber_ResumingFromAnIdRetentionRemoved_ReadsAPrunedMarkerThenTheRest(StorageKind storage)
    {
        await using var cluster = await StartAsync(storage);
        var hub = cluster[0].Services.GetRequiredService<EventHub>();
        var store = cluster[0].Services.GetRequiredService<IEventStore>();
        for (var i = 0; i < 10; i++)
        {
            await hub.PublishAsync(Draft("task:old", taskId: "old", payload: $"{{\"i\":{i}}}"));
        }

        var stored = await store.EventReadAsync(0, [], 100);
        var first = stored.First(e => e.Source == "task:old").Id;
        var lastOld = stored.Last(e => e.Source == "task:old").Id;
        await store.EventPruneAsync(DateTimeOffset.UtcNow.AddMinutes(1)); // retention removes everything stored so far
        await hub.PublishAsync(Draft("task:old", taskId: "old", payload: "{\"i\":10}"));

        await using var resumed = await hub.SubscribeAsync([EventTopics.Task("old")], afterEventId: first);
        var got = await ReadAsync(resumed, 2).WaitAsync(Wait);

        var marker = got[0].Pruned;
        Assert.True(marker is not null, $"no pruned marker first; read {string.Join(", ", got.Select(e => e.Event?.PayloadJson ?? "gap"))}");
        Assert.Equal(first, marker.After);
        Assert.True(marker.Through >= lastOld, $"the marker ends at {marker.Through}, before the last removed id {lastOld}");
        Assert.Equal("{\"i\":10}", got[1].Event!.PayloadJson);
    }

    [Fact]
    public async Task Events_PublishedOnSiloA_ReachSubscriberOnSiloBInOrderPerSource()
    {
        await using var cluster = await StartAsync(StorageKind.Postgres, o => o.InitialSilos = 2);
        var onB = await cluster[1].Services.GetRequiredService<EventHub>().SubscribeAsync([EventTopics.All]);
        var hubA = cluster[0].Services.GetRequiredService<EventHub>();
        const int sources = 5, perSource = 60;
        var reading = ReadAsync(onB, sources * perSource);

        await Task.WhenAll(Enumerable.Range(0, sources).Select(async s =>
        {
            for (var i = 0; i < perSource; i++)
            {
                await hubA.PublishAsync(Draft($"src-{s}", payload: $"{{\"i\":{i}}}"));
            }
        }));

        var received = (await reading.WaitAsync(Wait)).Select(e => e.Event!).ToList();
        Assert.Equal(sources * perSource, received.Count);
        foreach (var source in received.GroupBy(e => e.Source))
        {
            Assert.Equal(Enumerable.Range(0, perSource).Select(i => $"{{\"i\":{i}}}"), source.Select(e => e.PayloadJson));
        }
    }

    [Fact]
    public async Task NodeAndTask_StateChanges_ArePublished()
    {
        await using var cluster = await StartAsync(StorageKind.Sqlite);
        var hub = cluster[0].Services.GetRequiredService<EventHub>();
        await using var subscription = await hub.SubscribeAsync([EventTopics.User("tester")]);
        var reading = ReadAsync(subscription, 4);
        await cluster.GetGrain<INodeGrain>("n1").ProvisionAsync(new NodeProvisionRequest("n1", "tester"));
        await cluster.GetGrain<INodeGrain>("n1").ConnectAsync(cluster[0].NodeConnection("c1"));
        var task = cluster.GetGrain<ITaskGrain>("t-ev");

        await task.DispatchAsync(new TaskSpec("n1", "true", "tester"));
        await task.AppendEventsAsync("n1", [Events.Started(1)]);

        var kinds = (await reading.WaitAsync(Wait)).Select(e => (e.Event!.Kind, e.Event.PayloadJson)).ToList();
        Assert.Equal(HubEventKinds.NodeStatus, kinds[0].Kind);
        Assert.Contains("online", kinds[0].PayloadJson);
        Assert.Contains(kinds, k => k.Kind == HubEventKinds.TaskState && k.PayloadJson.Contains("running"));
    }

    private static HubEventDraft Draft(string source, string? nodeId = null, string? userId = null, string? taskId = null, string payload = "{}") =>
        new("test", source, nodeId, userId, taskId, payload);

    private static Task<List<EventEnvelope>> ReadAsync(EventSubscription subscription, int count) => Task.Run(async () =>
    {
        var list = new List<EventEnvelope>();
        await foreach (var e in subscription.ReadAllAsync())
        {
            list.Add(e);
            if (list.Count(x => !x.IsGap) == count)
            {
                break;
            }
        }

        return list;
    });

    /// <summary>Reads <paramref name="count"/> events, or up to and including the first gap marker.</summary>
    private static Task<List<EventEnvelope>> ReadUntilGapAsync(EventSubscription subscription, int count) => Task.Run(async () =>
    {
        var list = new List<EventEnvelope>();
        await foreach (var e in subscription.ReadAllAsync())
        {
            list.Add(e);
            if (e.IsGap || list.Count == count)
            {
                break;
            }
        }

        return list;
    });

    private static async Task<TestCluster> StartAsync(StorageKind kind, Action<TestClusterOptions>? configure = null)
    {
        var options = new TestClusterOptions { Storage = await TestStorage.CreateAsync(kind) };
        configure?.Invoke(options);
        return await TestCluster.StartAsync(options);
    }
}
