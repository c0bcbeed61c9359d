using System.Text;
using System.Text.Json;
using CortexHub.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CortexHub.Gateway.Tests.Conformance;

/// <summary>
/// The node protocol's conformance set: conformance_node.py, written from docs/protocol.md alone with
/// stubs generated from protos/, runs each scenario against a real silo; every scenario is judged by
/// the hub's own state (HTTP API, journal, outbox), not by what the node says of itself.
/// </summary>
public sealed class ConformanceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly Dictionary<string, string> ProvisionedLabels = new() { ["team"] = "conformance" };
    private static readonly Dictionary<string, string> HelloLabels = new() { ["lang"] = "python", ["suite"] = "conformance" };

    private PythonGrpcStubs _stubs = null!;
    private TestCluster _cluster = null!;
    private ConformanceHubApi _api = null!;

    public async Task InitializeAsync()
    {
        _stubs = await PythonGrpcStubs.GenerateAsync(Path.Combine(RepoPaths.Root, "protos"), "cortexhub/v1/node_link.proto");
        _cluster = await StartHubAsync();
        _api = new ConformanceHubApi(_cluster[0].HttpAddress);
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _cluster.DisposeAsync();
        _stubs.Dispose();
    }

    [Fact]
    public async Task Hello_NodeIsWelcomedOnlineWithItsHelloLabels_StopEndsOk()
    {
        await using var node = await StartNodeAsync("conf-hello", "hello");

        var welcome = await node.WaitForAsync("welcome");
        Assert.Equal(_cluster[0].SiloId, welcome["silo"]);
        Assert.Equal("5000", welcome["heartbeat_ms"]);
        var registered = await _api.NodeAsync("conf-hello");
        Assert.Equal("online", registered["status"]!.GetValue<string>());
        Assert.Equal("conformance-node/1", registered["agentVersion"]!.GetValue<string>());
        Assert.Equal(System.Net.Dns.GetHostName(), registered["hostname"]!.GetValue<string>());
        Assert.Equal(HelloLabels, registered["labels"].Deserialize<Dictionary<string, string>>()); // non-empty Hello labels replace the provisioned ones
        Assert.Equal("online", (await _api.ListedNodeAsync("conf-hello"))["status"]!.GetValue<string>());

        await node.SendAsync("stop");
        Assert.Equal("OK", (await node.WaitForAsync("ended"))["status"]);
        Assert.Equal(0, await node.ExitAsync());
        Assert.Equal("offline", (await _api.NodeAsync("conf-hello"))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Dispatch_CommandsRunForReal_OutcomesMapToTheDocumentedStates()
    {
        await using var node = await StartNodeAsync("conf-run", "dispatch");
        var workDir = Directory.CreateTempSubdirectory("conformance-").FullName;
        try
        {
            // EXITED 0 → succeeded, in the given working directory with the given variable added.
            await _api.DispatchAsync(new { id = "conf-ok", nodeId = "conf-run", command = "echo \"hello $CONF_VAR\"; pwd", workingDirectory = workDir, environment = new Dictionary<string, string> { ["CONF_VAR"] = "world" } });
            var ok = await _api.WaitFinishedAsync("conf-ok");
            Assert.Equal(("succeeded", 0), (ok["state"]!.GetValue<string>(), ok["result"]!["exitCode"]!.GetValue<int>()));
            Assert.Equal($"hello world\n{workDir}\n", await _api.LogsAsync("conf-ok"));

            // EXITED ≠ 0 → failed with the exit code; stderr kept apart.
            await _api.DispatchAsync(new { id = "conf-exit3", nodeId = "conf-run", command = "echo oops >&2; exit 3" });
            var failed = await _api.WaitFinishedAsync("conf-exit3");
            Assert.Equal(("failed", 3), (failed["state"]!.GetValue<string>(), failed["result"]!["exitCode"]!.GetValue<int>()));
            Assert.Equal("oops\n", await _api.LogsAsync("conf-exit3", "stderr"));

            // FAILED (could not start) → failed without an exit code, with the node's reason.
            await _api.DispatchAsync(new { id = "conf-nostart", nodeId = "conf-run", command = "true", workingDirectory = Path.Combine(workDir, "missing") });
            var notStarted = await _api.WaitFinishedAsync("conf-nostart");
            Assert.Equal("failed", notStarted["state"]!.GetValue<string>());
            Assert.Null(notStarted["result"]!["exitCode"]);
            Assert.StartsWith("Could not start the command", notStarted["result"]!["error"]!.GetValue<string>());

            // TIMED_OUT → timedOut with exit code 124 (docs/protocol.md §7): the node enforces timeout_seconds and kills the process.
            await _api.DispatchAsync(new { id = "conf-timeout", nodeId = "conf-run", command = "sleep 300", timeoutSeconds = 1 });
            var timedOut = await _api.WaitFinishedAsync("conf-timeout");
            Assert.Equal(("timedOut", 124), (timedOut["state"]!.GetValue<string>(), timedOut["result"]!["exitCode"]!.GetValue<int>()));
            AssertGone(await node.WaitForAsync("started", "conf-timeout"));
        }
        finally
        {
            Directory.Delete(workDir, recursive: true);
        }

        // Journal order (accepted, started, output…, result; sequences 1, 2, 3…) and every command confirmed.
        var events = await JournalAsync("conf-ok");
        Assert.Equal([TaskEventKind.Accepted, TaskEventKind.Started], events.Take(2).Select(e => e.Kind));
        Assert.Equal(TaskEventKind.Result, events[^1].Kind);
        Assert.Equal([TaskEventKind.Accepted, TaskEventKind.Result], (await JournalAsync("conf-nostart")).Select(e => e.Kind));
        await AssertOutboxEmptyAsync("conf-run");
        await StopAsync(node);
    }

    [Fact]
    public async Task ThousandLines_JournalHoldsEachLineOnceInOrder_ResultStored()
    {
        await using var node = await StartNodeAsync("conf-lines", "lines");

        await _api.DispatchAsync(new { id = "conf-1000", nodeId = "conf-lines", command = "for i in $(seq 1 1000); do echo \"line $i\"; done" });
        var task = await _api.WaitFinishedAsync("conf-1000");

        Assert.Equal(("succeeded", 0), (task["state"]!.GetValue<string>(), task["result"]!["exitCode"]!.GetValue<int>()));
        var events = await JournalAsync("conf-1000");
        Assert.Equal(1003, events.Count); // accepted, started, 1,000 lines, result
        Assert.Equal([TaskEventKind.Accepted, TaskEventKind.Started], events.Take(2).Select(e => e.Kind));
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => $"line {i}\n"), events.Skip(2).Take(1000).Select(e => Encoding.UTF8.GetString(e.Data)));
        Assert.Equal(TaskEventKind.Result, events[^1].Kind);
        Assert.Equal(1003, (await node.WaitForAsync("done", "conf-1000")).Long("last")); // the node saw its last event acknowledged
        await StopAsync(node);
    }

    [Fact]
    public async Task Stdin_InputReachesTheCommandAndEndClosesIt_WithoutStdinEndOfFile_TerminalFailedByANodeWithoutSessions()
    {
        await using var node = await StartNodeAsync("conf-stdin", "dispatch");

        // §15: input in order, each byte once; `end` closes stdin.
        await _api.DispatchAsync(new { id = "conf-wc", nodeId = "conf-stdin", command = "wc -c", stdin = true });
        await _api.InputAsync("conf-wc", "hello "u8.ToArray());
        await _api.InputAsync("conf-wc", "world\n"u8.ToArray(), end: true);
        var wc = await _api.WaitFinishedAsync("conf-wc");
        Assert.Equal(("succeeded", 0), (wc["state"]!.GetValue<string>(), wc["result"]!["exitCode"]!.GetValue<int>()));
        Assert.Equal("12\n", await _api.LogsAsync("conf-wc"));
        Assert.Equal(2, node.Lines.Count(l => l.What == "input"));

        // Without stdin the command reads end-of-file at once.
        await _api.DispatchAsync(new { id = "conf-eof", nodeId = "conf-stdin", command = "cat; echo eof" });
        Assert.Equal("succeeded", (await _api.WaitFinishedAsync("conf-eof"))["state"]!.GetValue<string>());
        Assert.Equal("eof\n", await _api.LogsAsync("conf-eof"));

        // §13: a node that runs no terminal sessions fails them with its reason.
        var session = await _api.OpenSessionAsync(new { nodeId = "conf-stdin", command = "python3" });
        var refused = await _api.WaitFinishedAsync(session["id"]!.GetValue<string>());
        Assert.Equal("failed", refused["state"]!.GetValue<string>());
        Assert.Contains("does not run terminal sessions", refused["result"]!["error"]!.GetValue<string>());
        await StopAsync(node);
    }

    [Fact]
    public async Task DropAndResend_NodeKillsItsConnectionBeforeTheAcks_JournalHoldsEachEventOnce()
    {
        await using var node = await StartNodeAsync("conf-drop", "drop");

        await _api.DispatchAsync(new { id = "conf-drop-1", nodeId = "conf-drop", command = "for i in $(seq 1 500); do echo \"line $i\"; done" });
        var dropped = await node.WaitForAsync("dropped", "conf-drop-1");
        var task = await _api.WaitFinishedAsync("conf-drop-1");

        // The node reconnected, listed the task, and resent from the position Welcome gave.
        var resume = await node.WaitForAsync("resume", "conf-drop-1");
        Assert.Equal("true", resume["known"]);
        Assert.True(resume.Long("acked") < 503, resume.Raw);
        var resend = await node.WaitForAsync("resend", "conf-drop-1");
        Assert.Equal(resume.Long("acked") + 1, resend.Long("first"));
        Assert.True(dropped.Long("unacked") > 0, dropped.Raw);
        Assert.Equal(2, node.Lines.Count(l => l.What == "welcome"));

        Assert.Equal("succeeded", task["state"]!.GetValue<string>());
        var events = await JournalAsync("conf-drop-1");
        Assert.Equal(Enumerable.Range(1, 503).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal(Enumerable.Range(1, 500).Select(i => $"line {i}\n"), events.Where(e => e.Kind == TaskEventKind.Output).Select(e => Encoding.UTF8.GetString(e.Data)));
        Assert.Equal(string.Concat(Enumerable.Range(1, 500).Select(i => $"line {i}\n")), await _api.LogsAsync("conf-drop-1"));
        await StopAsync(node);
    }

    [Fact]
    public async Task Cancel_HubCancelReachesTheNode_ProcessKilledAndTaskCancelled()
    {
        await using var node = await StartNodeAsync("conf-cancel", "cancel");
        await _api.DispatchAsync(new { id = "conf-cancel-1", nodeId = "conf-cancel", command = "echo running; sleep 300" });
        var started = await node.WaitForAsync("started", "conf-cancel-1");
        await ConformanceHubApi.WaitUntilAsync(async () => (await _api.TaskAsync("conf-cancel-1"))["task"]!["state"]!.GetValue<string>() == "running", "the task runs");

        var requested = await _api.CancelAsync("conf-cancel-1", "conformance cancel");
        Assert.Equal("running", requested["state"]!.GetValue<string>()); // the state changes only with the node's result
        var task = await _api.WaitFinishedAsync("conf-cancel-1");

        Assert.Equal("cancelled", task["state"]!.GetValue<string>());
        Assert.Equal(137, task["result"]!["exitCode"]!.GetValue<int>());
        Assert.Equal("Cancelled: conformance cancel", task["result"]!["error"]!.GetValue<string>());
        var cancel = await node.WaitForAsync("cancel", "conf-cancel-1");
        Assert.Equal(("cancel:conf-cancel-1", "true"), (cancel["command_id"], cancel["held"]));
        AssertGone(started);
        Assert.Equal("running\n", await _api.LogsAsync("conf-cancel-1"));
        await AssertOutboxEmptyAsync("conf-cancel"); // the cancel was confirmed (CommandAck)

        // A cancel of a finished task changes nothing.
        Assert.Equal("cancelled", (await _api.CancelAsync("conf-cancel-1", "again"))["state"]!.GetValue<string>());
        await StopAsync(node);
    }

    [Fact]
    public async Task HalfClose_RightAfterTheResult_HubAcksEverythingThenEndsOk_NodeOffline()
    {
        await using var node = await StartNodeAsync("conf-half", "halfclose");

        await _api.DispatchAsync(new { id = "conf-half-1", nodeId = "conf-half", command = "seq 1 2000" });
        var halfClosed = await node.WaitForAsync("half-closed", "conf-half-1");
        var ended = await node.WaitForAsync("ended");

        Assert.Equal("OK", ended["status"]);
        Assert.Equal(0, await node.ExitAsync());
        var lastAck = node.Lines.Last(l => l.Is("ack", "conf-half-1"));
        Assert.Equal(halfClosed.Long("last"), lastAck.Long("seq")); // every event acknowledged before the call ended
        var task = await _api.TaskAsync("conf-half-1");
        Assert.Equal("succeeded", task["task"]!["state"]!.GetValue<string>());
        Assert.Equal(string.Concat(Enumerable.Range(1, 2000).Select(i => $"{i}\n")), await _api.LogsAsync("conf-half-1"));
        Assert.Equal(2003, halfClosed.Long("last")); // accepted, started, one event per line, result
        Assert.Equal(2003, (await JournalAsync("conf-half-1")).Count);
        Assert.Equal("offline", (await _api.NodeAsync("conf-half"))["status"]!.GetValue<string>());
        Assert.Equal("offline", (await _api.ListedNodeAsync("conf-half"))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Liveness_HeartbeatsStopWhileTheStreamStaysOpen_OfflineAfterTtl_ThenSilenceEndsTheStream()
    {
        // Short timeouts through the documented keys: heartbeat every 1 s, presence TTL 3 s, silence cut at 3 × 1 s.
        await using var cluster = await StartHubAsync(options =>
        {
            options.Configuration["CortexHub:Gateway:NodeHeartbeatInterval"] = "00:00:01";
            options.Configuration["CortexHub:Nodes:HeartbeatTtl"] = "00:00:03";
            options.Configuration["CortexHub:Nodes:HeartbeatFlushInterval"] = "00:00:00.500";
        });
        using var api = new ConformanceHubApi(cluster[0].HttpAddress);
        var token = await api.ProvisionAsync("conf-live", ProvisionedLabels);
        await using var node = ConformanceNode.Start(_stubs, cluster[0].GrpcAddress, "conf-live", token, "liveness", output);
        Assert.Equal("1000", (await node.WaitForAsync("welcome"))["heartbeat_ms"]);

        // Heartbeats keep it online past one TTL.
        var connectedAt = (await api.NodeAsync("conf-live"))["connectedAt"]!.GetValue<DateTimeOffset>();
        await ConformanceHubApi.WaitUntilAsync(async () =>
            (await api.ListedNodeAsync("conf-live"))["lastSeenAt"]!.GetValue<DateTimeOffset>() > connectedAt + TimeSpan.FromSeconds(3), "heartbeats refreshed the node past one TTL");
        Assert.Equal("online", (await api.ListedNodeAsync("conf-live"))["status"]!.GetValue<string>());

        // No heartbeats, but terminal output keeps the stream from being silent: offline once the TTL passes, stream still open.
        await node.SendAsync("quiet");
        await node.WaitForAsync("heartbeats-stopped");
        await ConformanceHubApi.WaitUntilAsync(async () => (await api.ListedNodeAsync("conf-live"))["status"]!.GetValue<string>() == "offline", "the node is listed offline");
        Assert.DoesNotContain(node.Lines, l => l.What == "ended");

        // Nothing at all: the hub ends the stream for silence and records the node offline.
        await node.SendAsync("silent");
        var ended = await node.WaitForAsync("ended");
        Assert.Equal(("UNAVAILABLE", "Nothing heard from the node for 00:00:03; reconnect."), (ended["status"], ended["detail"]));
        Assert.Equal(0, await node.ExitAsync());
        Assert.Equal("offline", (await api.NodeAsync("conf-live"))["status"]!.GetValue<string>());
    }

    private static Task<TestCluster> StartHubAsync(Action<TestClusterOptions>? configure = null) =>
        HubFixture.StartAsync(StorageKind.Sqlite, configure: options =>
        {
            options.Configuration["CortexHub:Api:AdminKey"] = ConformanceHubApi.AdminKey;
            configure?.Invoke(options);
        });

    /// <summary>Provisions the node, starts it and waits for its Welcome.</summary>
    private async Task<ConformanceNode> StartNodeAsync(string nodeId, string scenario)
    {
        var token = await _api.ProvisionAsync(nodeId, ProvisionedLabels);
        var node = ConformanceNode.Start(_stubs, _cluster[0].GrpcAddress, nodeId, token, scenario, output);
        try
        {
            await node.WaitForAsync("welcome");
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>The node half-closes; the hub ends the call with OK.</summary>
    private static async Task StopAsync(ConformanceNode node)
    {
        await node.SendAsync("stop");
        Assert.Equal("OK", (await node.WaitForAsync(l => l.What == "ended" && l.Fields["status"] == "OK", "the call ending with OK"))["status"]);
        Assert.Equal(0, await node.ExitAsync());
    }

    private async Task<IReadOnlyList<TaskEventRecord>> JournalAsync(string taskId) =>
        await _cluster.GetGrain<ITaskGrain>(taskId).ReadEventsAsync(0, 10_000);

    private async Task AssertOutboxEmptyAsync(string nodeId)
    {
        var outbox = _cluster[0].Services.GetRequiredService<INodeOutboxStore>();
        await ConformanceHubApi.WaitUntilAsync(async () => (await outbox.NodeCommandListPendingAsync(nodeId, 100)).Count == 0, $"node {nodeId} confirmed every command");
    }

    /// <summary>The task's process (pid from the node's <c>started</c> line) no longer runs.</summary>
    private static void AssertGone(ConformanceNodeLine started) =>
        Assert.False(Directory.Exists($"/proc/{started.Long("pid")}"), $"process {started["pid"]} of task {started["task"]} still runs");
}
