using System.Text;
using CortexHub.Grains.Events;
using CortexHub.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CortexHub.Grains.Tests;

public sealed class TaskJournalTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task Append_DuplicatedAndReorderedResends_StoredExactlyOnceInOrder(StorageKind kind)
    {
        await using var cluster = await StartAsync(kind);
        var task = await DispatchAsync(cluster, "t-dup");
        var all = Enumerable.Range(1, 60).Select(i => Events.Out(i, $"{i};")).ToList();
        var random = new Random(7);

        // Deliveries overlap, repeat and arrive out of order, as after reconnects and resends.
        long acked = 0;
        for (var round = 0; acked < 60 && round < 500; round++)
        {
            var from = Math.Max(0, (int)acked - random.Next(0, 5));
            var batch = all.Skip(from).Take(random.Next(1, 12)).OrderBy(_ => random.Next()).ToList();
            acked = (await task.AppendEventsAsync("n1", batch)).AckedSequence;
        }

        var stored = await task.ReadEventsAsync(0, 1000);
        Assert.Equal(Enumerable.Range(1, 60).Select(i => (long)i), stored.Select(e => e.Sequence));
        Assert.Equal(string.Concat(Enumerable.Range(1, 60).Select(i => $"{i};")), Encoding.UTF8.GetString((await task.GetJournalAsync()).Stdout.Head));
    }

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task OutputNotices_ManyBatches_CoverEverySequenceOnceInOrder_BeforeTheFinalState(StorageKind kind)
    {
        // A notice is stored while the next batches are journaled; those merge into the next notice.
        await using var cluster = await StartAsync(kind);
        var hub = cluster[0].Services.GetRequiredService<EventHub>();
        await using var subscription = await hub.SubscribeAsync([EventTopics.Task("t-notice")]);
        var task = await DispatchAsync(cluster, "t-notice");
        const int batches = 200, perBatch = 5;
        await task.AppendEventsAsync("n1", [Events.Started(1)]);
        for (var b = 0; b < batches; b++)
        {
            await task.AppendEventsAsync("n1", [.. Enumerable.Range(2 + b * perBatch, perBatch).Select(i => Events.Out(i, "0123456789"))]);
        }

        const long last = 2 + batches * perBatch;
        await task.AppendEventsAsync("n1", [Events.Exited(last, 0)]);

        var notices = new List<(long From, long To, long Bytes)>();
        await foreach (var envelope in subscription.ReadAllAsync().WithCancellation(new CancellationTokenSource(Wait).Token))
        {
            var e = envelope.Event!;
            if (e.Kind == HubEventKinds.TaskOutput)
            {
                var payload = System.Text.Json.JsonDocument.Parse(e.PayloadJson).RootElement;
                notices.Add((payload.GetProperty("fromSequence").GetInt64(), payload.GetProperty("toSequence").GetInt64(), payload.GetProperty("bytes").GetInt64()));
            }
            else if (e.Kind == HubEventKinds.TaskState && e.PayloadJson.Contains("\"succeeded\"", StringComparison.Ordinal))
            {
                break; // every notice of the output before the result came before this
            }
        }

        Assert.Equal(1, notices[0].From);
        Assert.Equal(last, notices[^1].To);
        Assert.All(notices.Zip(notices.Skip(1)), pair => Assert.Equal(pair.First.To + 1, pair.Second.From));
        Assert.Equal(batches * perBatch * 10L, notices.Sum(n => n.Bytes));
        Assert.InRange(notices.Count, 1, batches + 2);
    }

    [Fact]
    public async Task Append_Gap_ReportedAndNothingPastItStored()
    {
        await using var cluster = await StartAsync(StorageKind.Sqlite);
        var task = await DispatchAsync(cluster, "t-gap");

        var result = await task.AppendEventsAsync("n1", [Events.Out(1, "a"), Events.Out(2, "b"), Events.Out(5, "e")]);

        Assert.Equal((2L, 2L, 2), (result.AckedSequence, result.GapAfter!.Value, result.Stored));
        Assert.Equal(2, (await task.ReadEventsAsync(0, 10)).Count);
    }

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task Journal_SiloKilledMidStream_HeadTailAndCountersSurvive(StorageKind kind)
    {
        await using var cluster = await StartAsync(kind, o => o.Configuration["CortexHub:Journal:SnapshotEveryBytes"] = "100");
        var task = await DispatchAsync(cluster, "t-kill", new TaskSpec("n1", "make", "tester", HeadBytes: 10, TailBytes: 10, FullLogCapBytes: 1_000_000));
        await task.AppendEventsAsync("n1", [Events.Started(1), .. Enumerable.Range(2, 30).Select(i => Events.Out(i, $"<{i:000}>"))]);
        await task.AppendEventsAsync("n1", [Events.Thought(32, "compiling"), Events.Out(33, "tail-end!!")]);

        cluster.KillSilo(0);
        await cluster.RestartSiloAsync(0);

        var journal = await cluster.GetGrain<ITaskGrain>("t-kill").GetJournalAsync();
        var full = string.Concat(Enumerable.Range(2, 30).Select(i => $"<{i:000}>")) + "tail-end!!";
        Assert.Equal(TaskState.Running, journal.Task.State);
        Assert.Equal(33, journal.Task.AckedSequence);
        Assert.Equal(full[..10], Encoding.UTF8.GetString(journal.Stdout.Head));
        Assert.Equal(full[^10..], Encoding.UTF8.GetString(journal.Stdout.Tail));
        Assert.Equal(full.Length - 20, journal.Stdout.OmittedBytes);
        Assert.Contains($"[… {full.Length - 20} bytes omitted …]", journal.Stdout.ToDisplayString());
        Assert.Equal("compiling", Assert.Single(journal.Thoughts).Text);
    }

    [Fact]
    public async Task Journal_OutputPastFullLogCap_KeepsHeadTailAndCountsWhatWasCut()
    {
        await using var cluster = await StartAsync(StorageKind.Sqlite);
        var task = await DispatchAsync(cluster, "t-cap", new TaskSpec("n1", "yes", "tester", HeadBytes: 4, TailBytes: 4, FullLogCapBytes: 10));

        await task.AppendEventsAsync("n1", [Events.Out(1, "0123456789"), Events.Out(2, "abcdef"), Events.Out(3, "WXYZ")]);
        cluster.KillSilo(0);
        await cluster.RestartSiloAsync(0);

        var journal = await cluster.GetGrain<ITaskGrain>("t-cap").GetJournalAsync();
        Assert.Equal((10L, 10L), (journal.FullLogBytes, journal.FullLogOmittedBytes));
        Assert.Equal(("0123", "WXYZ", 12L), (Encoding.UTF8.GetString(journal.Stdout.Head), Encoding.UTF8.GetString(journal.Stdout.Tail), journal.Stdout.OmittedBytes));
        var rows = await cluster.GetGrain<ITaskGrain>("t-cap").ReadEventsAsync(0, 10);
        Assert.Equal([10, 0, 0], rows.Select(r => r.Data.Length));
    }

    [Fact]
    public async Task Thoughts_OverTheLimit_OldestDroppedAndCounted()
    {
        await using var cluster = await StartAsync(StorageKind.Sqlite, o => o.Configuration["CortexHub:Journal:MaxThoughts"] = "3");
        var task = await DispatchAsync(cluster, "t-think");

        await task.AppendEventsAsync("n1", Enumerable.Range(1, 5).Select(i => Events.Thought(i, $"idea {i}")).ToList());

        var journal = await task.GetJournalAsync();
        Assert.Equal(["idea 3", "idea 4", "idea 5"], journal.Thoughts.Select(t => t.Text));
        Assert.Equal(2, journal.ThoughtsDropped);
    }

    [Fact]
    public async Task AddThought_FromACaller_KeptInOrderWithTheNodesThoughtsAcrossASiloRestart()
    {
        await using var cluster = await StartAsync(StorageKind.Sqlite);
        var task = await DispatchAsync(cluster, "t-note");
        await task.AppendEventsAsync("n1", [Events.Started(1), Events.Thought(2, "node: starting")]);

        await task.AddThoughtAsync("agent: why I ran this");
        await task.AppendEventsAsync("n1", [Events.Thought(3, "node: done")]);
        cluster.KillSilo(0);
        await cluster.RestartSiloAsync(0);

        var journal = await cluster.GetGrain<ITaskGrain>("t-note").GetJournalAsync();
        Assert.Equal(["node: starting", "agent: why I ran this", "node: done"], journal.Thoughts.Select(t => t.Text));
        Assert.Equal(3, journal.Task.AckedSequence); // the node's sequence numbers are untouched
        var tooLong = await Assert.ThrowsAsync<InvalidRequestException>(() => cluster.GetGrain<ITaskGrain>("t-note").AddThoughtAsync(new string('x', 4097)));
        Assert.Contains("At most 4096 characters", tooLong.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.GetGrain<ITaskGrain>("t-none").AddThoughtAsync("hello"));
    }

    [Fact]
    public async Task StateMachine_IllegalEventsAfterFinish_IgnoredButJournaled()
    {
        await using var cluster = await StartAsync(StorageKind.Sqlite);
        var task = await DispatchAsync(cluster, "t-late");

        await task.AppendEventsAsync("n1", [Events.Started(1), Events.Exited(2, 0), Events.Started(3)]);

        var snapshot = await task.GetAsync();
        Assert.Equal(TaskState.Succeeded, snapshot.State);
        Assert.Equal(3, snapshot.AckedSequence);
        Assert.False(TaskTransitions.IsAllowed(TaskState.Succeeded, TaskState.Running));
        Assert.Equal("Task x cannot go from Succeeded to Running.", new InvalidTaskTransitionException("x", TaskState.Succeeded, TaskState.Running).Message);
    }

    [Fact]
    public async Task Dispatch_SameSpecAgainIsTheSameTask_DifferentSpecRejectedClearly()
    {
        await using var cluster = await StartAsync(StorageKind.Sqlite);
        var spec = new TaskSpec("n1", "echo", "tester", Environment: new Dictionary<string, string> { ["A"] = "1" });
        var task = await DispatchAsync(cluster, "t-once", spec);

        // A retry (new dictionary, same content) returns the existing task and queues nothing new.
        var again = await task.DispatchAsync(spec with { Environment = new Dictionary<string, string> { ["A"] = "1" } });
        Assert.Equal(TaskState.Dispatched, again.State);
        var pending = await cluster[0].Services.GetRequiredService<INodeOutboxStore>().NodeCommandListPendingAsync("n1", 10);
        Assert.Single(pending);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => task.DispatchAsync(spec with { Command = "echo other" }));
        Assert.Contains("already exists", error.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => task.DispatchAsync(spec with { Environment = new Dictionary<string, string> { ["A"] = "2" } }));
    }

    [Fact]
    public async Task Abandon_BeforeDispatch_TheTaskNeverComesToBe_AfterDispatch_ItsCommandIsWithdrawnAndCancelled()
    {
        await using var cluster = await StartAsync(StorageKind.Sqlite);
        var outbox = cluster[0].Services.GetRequiredService<INodeOutboxStore>();

        // A silo stalled mid-claim must not create the task after the claim was given up.
        var never = cluster.GetGrain<ITaskGrain>("t-never");
        Assert.False((await never.AbandonAsync("claim given up")).Exists);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => never.DispatchAsync(new TaskSpec("n1", "echo", "tester")));
        Assert.Contains("abandoned before it was dispatched: claim given up", refused.Message);
        Assert.Empty(await outbox.NodeCommandListPendingAsync("n1", 10));

        // Dispatched but not delivered: the dispatch is withdrawn, and the node is told to stop it in case it has it.
        var task = await DispatchAsync(cluster, "t-gone");
        var lost = await task.AbandonAsync("node came back without it");
        Assert.Equal((TaskState.Lost, "node came back without it"), (lost.State, lost.Result!.Error));
        var pending = await outbox.NodeCommandListPendingAsync("n1", 10);
        Assert.Equal(["cancel:t-gone"], pending.Select(c => c.CommandId));
    }

    [Fact]
    public async Task Result_ReadableAfterCompletion_PurgedByItsReminderAfterRetention()
    {
        // Retention is counted by an Orleans reminder on real time (a shifted clock does not move
        // Orleans' timers), so this run keeps results for seconds instead of the default days.
        await using var cluster = await StartAsync(StorageKind.Sqlite, o => o.Configuration["CortexHub:Journal:Retention"] = "00:00:04");
        var task = await DispatchAsync(cluster, "t-keep");
        await task.AppendEventsAsync("n1", [Events.Started(1), Events.Out(2, "done\n"), Events.Exited(3, 0)]);

        var finished = await cluster.GetGrain<ITaskGrain>("t-keep").GetAsync();
        Assert.Equal((TaskState.Succeeded, 0), (finished.State, finished.Result!.ExitCode!.Value));
        Assert.Equal(3, (await task.ReadEventsAsync(0, 10)).Count);

        await TestCluster.WaitUntilAsync(async () => !(await cluster.GetGrain<ITaskGrain>("t-keep").GetAsync()).Exists, TimeSpan.FromSeconds(60), "the retention purge ran");
        Assert.Empty(await cluster.GetGrain<ITaskGrain>("t-keep").ReadEventsAsync(0, 10));
    }

    [Fact]
    public async Task RunningTask_NodeNeverReturns_LostAfterGraceAndWaitersTold()
    {
        await using var cluster = await StartAsync(StorageKind.Sqlite, o => o.Configuration["CortexHub:Journal:LostGrace"] = "00:00:02");
        var task = await DispatchAsync(cluster, "t-lost");
        await task.AppendEventsAsync("n1", [Events.Started(1)]);

        var finished = await cluster[0].Services.GetRequiredService<TaskWaiter>().WaitAsync("t-lost", Wait);

        Assert.Equal(TaskState.Lost, finished.State);
        Assert.Contains("did not come back", finished.Result!.Error);
    }

    [Fact]
    public async Task RunningTask_NodeConnected_NotLost()
    {
        await using var cluster = await StartAsync(StorageKind.Sqlite, o => o.Configuration["CortexHub:Journal:LostGrace"] = "00:00:01");
        var token = await cluster.GetGrain<INodeGrain>("n1").ProvisionAsync(new NodeProvisionRequest("n1", "tester"));
        var (node, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token);
        await using var _ = node;
        var task = await DispatchAsync(cluster, "t-alive");
        await task.AppendEventsAsync("n1", [Events.Started(1)]);

        var snapshot = await cluster[0].Services.GetRequiredService<TaskWaiter>().WaitAsync("t-alive", TimeSpan.FromSeconds(4));

        Assert.Equal(TaskState.Running, snapshot.State);
    }

    [Fact]
    public async Task LongRunningTask_ReactivatedOnAnotherSilo_WhileItsNodeReconnects_NotLost()
    {
        // Found by the rolling-restart test: a task running longer than the grace, reactivated on
        // another silo while its node was between streams, was declared lost at the first check
        // (its stored NodeSeenAt was as old as its start).
        await using var cluster = await StartAsync(StorageKind.Postgres, o =>
        {
            o.InitialSilos = 2;
            o.Configuration["CortexHub:Journal:LostGrace"] = "00:00:06";
        });
        var token = await cluster.GetGrain<INodeGrain>("n1", silo: 1).ProvisionAsync(new NodeProvisionRequest("n1", "tester"));
        var (first, _) = await TestNode.ConnectAsync(cluster[1].GrpcAddress, "n1", token);
        var task = cluster.GetGrain<ITaskGrain>("t-long", silo: 0);
        await task.DispatchAsync(new TaskSpec("n1", "sleep 1000", "tester"));
        await task.AppendEventsAsync("n1", [Events.Started(1)]);
        await Task.Delay(TimeSpan.FromSeconds(8)); // longer than the grace, the node there all along

        await first.DisposeAsync(); // the node's stream drops...
        await cluster.StopSiloAsync(0); // ...while the task's silo drains: the task reactivates on silo 1
        await Task.Delay(TimeSpan.FromSeconds(3));
        var (again, _) = await TestNode.ConnectAsync(cluster[1].GrpcAddress, "n1", token); // back well within the grace
        await using var reconnected = again;
        await Task.Delay(TimeSpan.FromSeconds(7));

        Assert.Equal(TaskState.Running, (await cluster.GetGrain<ITaskGrain>("t-long", silo: 1).GetAsync()).State);
    }

    [Fact]
    public async Task Waiter_OnSiloB_WokenByResultStoredOnSiloA()
    {
        // Rechecks every minute: only the cross-silo hint can wake the waiter within the test's time.
        await using var cluster = await StartAsync(StorageKind.Postgres, o =>
        {
            o.InitialSilos = 2;
            o.Configuration["CortexHub:Journal:WaitRecheckInterval"] = "00:01:00";
        });
        var onA = await DispatchAsync(cluster, "t-wait");
        var waiting = cluster[1].Services.GetRequiredService<TaskWaiter>().WaitAsync("t-wait", TimeSpan.FromSeconds(50));

        await onA.AppendEventsAsync("n1", [Events.Started(1), Events.Exited(2, 4)]);
        var finished = await waiting.WaitAsync(Wait);

        Assert.Equal((TaskState.Failed, 4), (finished.State, finished.Result!.ExitCode!.Value));
    }

    private static async Task<TestCluster> StartAsync(StorageKind kind, Action<TestClusterOptions>? configure = null)
    {
        var options = new TestClusterOptions { Storage = await TestStorage.CreateAsync(kind) };
        configure?.Invoke(options);
        return await TestCluster.StartAsync(options);
    }

    private static async Task<ITaskGrain> DispatchAsync(TestCluster cluster, string taskId, TaskSpec? spec = null)
    {
        var task = cluster.GetGrain<ITaskGrain>(taskId);
        await task.DispatchAsync(spec ?? new TaskSpec("n1", "echo", "tester"));
        return task;
    }
}
