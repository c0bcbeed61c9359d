using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using CortexHub.Grains.Storage;
using CortexHub.Protocol.V1;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;

namespace CortexHub.Api.Tests;

/// <summary>
/// /api/v1/sessions and task input over HTTP and the attach WebSocket, against a real silo and a
/// scripted node on the real node link (the agent's own end-to-end tests run the real PTY).
/// </summary>
public sealed class SessionTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Session_OpenInputResizeOutputClose_CommandsReachTheNodeAndAcksRemoveThem()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var alice = await cluster.UserAsync("alice");
        var (node, _) = await ConnectNodeAsync(cluster, alice, "n1");
        await using var __ = node;

        var opened = await alice.PostAsJsonAsync("/api/v1/sessions", new { nodeId = "n1", command = "python3", columns = 100, environment = new Dictionary<string, string> { ["A"] = "1" } });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var session = await opened.JsonAsync();
        var id = session["id"]!.GetValue<string>();
        Assert.Equal($"/api/v1/sessions/{id}", opened.Headers.Location!.OriginalString);
        Assert.Equal(("n1", "python3", "alice", 100, 24, null, 0L), (Str(session, "nodeId"), Str(session, "command"), Str(session, "openedBy"),
            session["columns"]!.GetValue<int>(), session["rows"]!.GetValue<int>(), session["outcome"]?.GetValue<string>(), session["outputBytes"]!.GetValue<long>()));
        var dispatch = (await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Dispatch, Wait)).Dispatch;
        Assert.Equal((id, "python3", 100u, 24u, "1"), (dispatch.TaskId, dispatch.Command, dispatch.Terminal.Columns, dispatch.Terminal.Rows, dispatch.Environment["A"]));

        var typed = await alice.PostAsJsonAsync($"/api/v1/sessions/{id}/input", new { text = "1+1\r" });
        Assert.Equal(HttpStatusCode.Accepted, typed.StatusCode);
        Assert.Equal((0, 4), Accepted(await typed.JsonAsync()));
        var raw = await alice.PostAsync($"/api/v1/sessions/{id}/input", new ByteArrayContent([0x03]) { Headers = { ContentType = new("application/octet-stream") } });
        Assert.Equal((4, 1), Accepted(await raw.JsonAsync()));
        var encoded = await alice.PostAsJsonAsync($"/api/v1/tasks/{id}/input", new { base64 = Convert.ToBase64String("ok"u8) }); // the same handler
        Assert.Equal((5, 2), Accepted(await encoded.JsonAsync()));
        Assert.Equal(HttpStatusCode.Accepted, (await alice.PostAsJsonAsync($"/api/v1/sessions/{id}/resize", new { columns = 120, rows = 40 })).StatusCode);

        // Each arrives as the grain built it (the gateway parses and passes the outbox payload on), in order.
        var outbox = cluster[0].Services.GetRequiredService<INodeOutboxStore>();
        var stored = (await outbox.NodeCommandListPendingAsync("n1", 10)).Where(c => c.CommandId != "dispatch:" + id).ToList();
        var received = new List<HubMessage>();
        for (var i = 0; i < 4; i++)
        {
            received.Add(await node.ReadAsync(Wait));
        }

        Assert.Equal(stored.Select(c => c.Payload), received.Select(m => m.ToByteArray()));
        Assert.Equal(("1+1\r", $"input:{id}:0"), (received[0].Input.Data.ToStringUtf8(), received[0].Input.CommandId));
        Assert.Equal(($"input:{id}:4", $"input:{id}:5"), (received[1].Input.CommandId, received[2].Input.CommandId));
        Assert.Equal((120u, 40u, $"resize:{id}:1"), (received[3].Resize.Columns, received[3].Resize.Rows, received[3].Resize.CommandId));
        foreach (var message in received)
        {
            await node.SendAsync(new NodeMessage { CommandAck = new CommandAck { CommandId = message.BodyCase == HubMessage.BodyOneofCase.Input ? message.Input.CommandId : message.Resize.CommandId } });
        }

        await TestCluster.WaitUntilAsync(async () => (await outbox.NodeCommandListPendingAsync("n1", 10)).All(c => c.CommandId == "dispatch:" + id), Wait, "acks remove the commands");

        await node.SendEventAsync(id, 1, e => e.Started = new TaskStarted { Pid = 7 });
        await node.SendOutputAsync(id, 2, ">>> 1+1\r\n2\r\n");
        await node.SendOutputAsync(id, 3, ">>> ");
        await TestCluster.WaitUntilAsync(async () => (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/sessions/{id}"))!["outputBytes"]!.GetValue<long>() == 16, Wait, "output counted");
        var output = await alice.GetAsync($"/api/v1/sessions/{id}/output?after=9");
        Assert.Equal(("application/octet-stream", "9", "2\r\n>>> "),
            (output.Content.Headers.ContentType!.MediaType, output.Headers.GetValues("X-Output-Offset").Single(), await output.Content.ReadAsStringAsync()));
        var screen = await alice.GetFromJsonAsync<JsonObject>($"/api/v1/sessions/{id}/screen");
        Assert.Equal((120, 40, ">>> 1+1\n2\n>>>", 2, 4), (screen!["columns"]!.GetValue<int>(), screen["rows"]!.GetValue<int>(), Str(screen, "text"),
            screen["cursor"]!["row"]!.GetValue<int>(), screen["cursor"]!["column"]!.GetValue<int>()));
        Assert.Equal(40, screen["lines"]!.AsArray().Count);
        Assert.Equal(">>> 1+1\n2\n>>>", await alice.GetStringAsync($"/api/v1/sessions/{id}/screen?format=text"));
        await (await alice.GetAsync($"/api/v1/sessions/{id}/screen?format=html")).AssertProblemAsync(400, "format");
        var view = await alice.GetFromJsonAsync<JsonObject>($"/api/v1/sessions/{id}");
        Assert.Equal(("running", 120, 40), (Str(view!, "state"), view!["columns"]!.GetValue<int>(), view["rows"]!.GetValue<int>()));

        var listed = (await alice.GetFromJsonAsync<JsonObject>("/api/v1/sessions?nodeId=n1"))!["sessions"]!.AsArray();
        Assert.Equal(id, Str(Assert.Single(listed)!.AsObject(), "id"));
        Assert.Empty((await alice.GetFromJsonAsync<JsonObject>("/api/v1/sessions?nodeId=other"))!["sessions"]!.AsArray());

        var closed = await alice.DeleteAsync($"/api/v1/sessions/{id}");
        Assert.Equal(HttpStatusCode.Accepted, closed.StatusCode);
        Assert.Equal(id, (await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Cancel, Wait)).Cancel.TaskId);
        await node.SendEventAsync(id, 4, e => e.Result = new TaskResult { Outcome = TaskOutcome.Cancelled });
        await TestCluster.WaitUntilAsync(async () => Str((await alice.GetFromJsonAsync<JsonObject>($"/api/v1/sessions/{id}"))!, "outcome") == "cancelled", Wait, "closed");
        await (await alice.PostAsJsonAsync($"/api/v1/sessions/{id}/input", new { text = "late" })).AssertProblemAsync(409);
    }

    [Fact]
    public async Task Session_BadRequests_AreProblems()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var alice = await cluster.UserAsync("alice");
        var (node, _) = await ConnectNodeAsync(cluster, alice, "n1");
        await using var __ = node;

        await (await alice.PostAsJsonAsync("/api/v1/sessions", new { nodeId = "n1", columns = 0, rows = 501 })).AssertProblemAsync(400, "columns", "rows");
        await (await alice.PostAsJsonAsync("/api/v1/sessions", new { nodeId = "n1", term = "x\ny" })).AssertProblemAsync(400, "term");
        await (await alice.PostAsJsonAsync("/api/v1/sessions", new { nodeId = "missing" })).AssertProblemAsync(404);
        var shell = await (await alice.PostAsJsonAsync("/api/v1/sessions", new { nodeId = "n1" })).JsonAsync(); // no command: the login shell
        var id = Str(shell, "id");
        Assert.Equal(("", 80, 24), (Str(shell, "command"), shell["columns"]!.GetValue<int>(), shell["rows"]!.GetValue<int>()));
        Assert.Equal("", (await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Dispatch, Wait)).Dispatch.Command);

        await (await alice.PostAsync($"/api/v1/sessions/{id}/input", new ByteArrayContent(new byte[64 * 1024 + 1]) { Headers = { ContentType = new("application/octet-stream") } }))
            .AssertProblemAsync(400, "data");
        Assert.Equal(HttpStatusCode.Accepted, (await alice.PostAsync($"/api/v1/sessions/{id}/input",
            new ByteArrayContent(new byte[64 * 1024]) { Headers = { ContentType = new("application/octet-stream") } })).StatusCode);
        await (await alice.PostAsJsonAsync($"/api/v1/sessions/{id}/input", new { text = "a", base64 = "YQ==" })).AssertProblemAsync(400, "text");
        await (await alice.PostAsJsonAsync($"/api/v1/sessions/{id}/input", new { base64 = "!!" })).AssertProblemAsync(400, "base64");
        await (await alice.PostAsync($"/api/v1/sessions/{id}/input", new StringContent("x", Encoding.UTF8, "text/plain"))).AssertProblemAsync(400, "body");
        await (await alice.PostAsJsonAsync($"/api/v1/sessions/{id}/resize", new { columns = 1001, rows = 10 })).AssertProblemAsync(400, "columns");
        await (await alice.PostAsJsonAsync($"/api/v1/sessions/{id}/resize", new { })).AssertProblemAsync(400, "columns", "rows");
        await (await alice.GetAsync($"/api/v1/sessions/{id}/output?after=-1")).AssertProblemAsync(400, "after");
        await (await alice.GetAsync($"/api/v1/sessions/{id}/attach")).AssertProblemAsync(400); // not a WebSocket
    }

    [Fact]
    public async Task Task_WithStdin_TakesInputUntilEnd_OthersRefused()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var alice = await cluster.UserAsync("alice");
        using var bob = await cluster.UserAsync("bob");
        var (node, _) = await ConnectNodeAsync(cluster, alice, "n1");
        await using var __ = node;

        Assert.Equal(HttpStatusCode.Created, (await alice.PostAsJsonAsync("/api/v1/tasks", new { id = "wc", nodeId = "n1", command = "wc -c", stdin = true })).StatusCode);
        Assert.True((await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Dispatch, Wait)).Dispatch.StdinOpen);
        await (await bob.PostAsJsonAsync("/api/v1/tasks/wc/input", new { text = "x" })).AssertProblemAsync(404);
        Assert.Equal((0, 6), Accepted(await (await alice.PostAsJsonAsync("/api/v1/tasks/wc/input", new { text = "hello\n" })).JsonAsync()));
        Assert.Equal((6, 0), Accepted(await (await alice.PostAsync("/api/v1/tasks/wc/input?end=true", new ByteArrayContent([]) { Headers = { ContentType = new("application/octet-stream") } })).JsonAsync()));
        var first = (await node.ReadAsync(Wait)).Input;
        var last = (await node.ReadAsync(Wait)).Input;
        Assert.Equal(("hello\n", false, 6ul, true), (first.Data.ToStringUtf8(), first.End, last.Offset, last.End));
        Assert.Contains("already ended", Str(await (await alice.PostAsJsonAsync("/api/v1/tasks/wc/input", new { text = "x" })).AssertProblemAsync(409), "detail"));

        await alice.PostAsJsonAsync("/api/v1/tasks", new { id = "plain", nodeId = "n1", command = "make" });
        Assert.Contains("takes no input", Str(await (await alice.PostAsJsonAsync("/api/v1/tasks/plain/input", new { text = "x" })).AssertProblemAsync(409), "detail"));
        await (await alice.GetAsync("/api/v1/sessions/plain")).AssertProblemAsync(404); // a plain task is no session
    }

    [Fact]
    public async Task NodeTerminal_IsTheScreenOfTheCallersLatestSession_OthersGetNotFound()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var alice = await cluster.UserAsync("alice");
        using var bob = await cluster.UserAsync("bob");
        var (node, _) = await ConnectNodeAsync(cluster, alice, "n1");
        await using var __ = node;
        Assert.Contains("no session on node n1", Str(await (await alice.GetAsync("/api/v1/nodes/n1/terminal")).AssertProblemAsync(404), "detail"));

        var older = Str(await (await alice.PostAsJsonAsync("/api/v1/sessions", new { nodeId = "n1", command = "sh" })).JsonAsync(), "id");
        var id = Str(await (await alice.PostAsJsonAsync("/api/v1/sessions", new { nodeId = "n1", command = "python3", columns = 30, rows = 5 })).JsonAsync(), "id");
        await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Dispatch && m.Dispatch.TaskId == older, Wait);
        await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Dispatch && m.Dispatch.TaskId == id, Wait);
        await node.SendEventAsync(older, 1, e => e.Started = new TaskStarted { Pid = 6 });
        await node.SendOutputAsync(older, 2, "$ not this one\r\n");
        await node.SendEventAsync(id, 1, e => e.Started = new TaskStarted { Pid = 7 });
        await node.SendOutputAsync(id, 2, ">>> \u001b[32m1+1\u001b[0m\r\n2\r\n>>> ");
        await TestCluster.WaitUntilAsync(async () => (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/sessions/{id}"))!["outputBytes"]!.GetValue<long>() > 0, Wait, "output counted");

        var terminal = await alice.GetFromJsonAsync<JsonObject>("/api/v1/nodes/n1/terminal");
        Assert.Equal(("n1", id, "running", 30, 5, ">>> 1+1\n2\n>>>", 2, 4), (Str(terminal!, "nodeId"), Str(terminal!, "sessionId"), Str(terminal!, "state"),
            terminal!["columns"]!.GetValue<int>(), terminal["rows"]!.GetValue<int>(), Str(terminal, "text"),
            terminal["cursor"]!["row"]!.GetValue<int>(), terminal["cursor"]!["column"]!.GetValue<int>()));
        Assert.Equal(5, terminal["lines"]!.AsArray().Count);
        Assert.Equal(">>> 1+1\n2\n>>>", await alice.GetStringAsync("/api/v1/nodes/n1/terminal?format=plain"));
        Assert.Equal(">>> 1+1\n2\n>>>", await alice.GetStringAsync("/api/v1/nodes/n1/terminal?format=text"));
        await (await alice.GetAsync("/api/v1/nodes/n1/terminal?format=raw")).AssertProblemAsync(400, "format");
        await (await bob.GetAsync("/api/v1/nodes/n1/terminal")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task Session_AnotherUser_GetsNotFoundEverywhere_AdminsToo_AndNothingChanges()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var alice = await cluster.UserAsync("alice");
        using var bob = await cluster.UserAsync("bob");
        using var admin = cluster.Client(ApiFixture.AdminKey);
        var (node, _) = await ConnectNodeAsync(cluster, alice, "n1");
        await using var __ = node;
        var id = Str(await (await alice.PostAsJsonAsync("/api/v1/sessions", new { nodeId = "n1", command = "python3" })).JsonAsync(), "id");
        await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Dispatch, Wait);

        await (await bob.PostAsJsonAsync("/api/v1/sessions", new { nodeId = "n1", command = "sh" })).AssertProblemAsync(404);
        await (await admin.PostAsJsonAsync("/api/v1/sessions", new { nodeId = "n1", command = "sh" })).AssertProblemAsync(404);
        foreach (var client in new[] { bob, admin })
        {
            foreach (var route in new[]
            {
                $"GET /api/v1/sessions/{id}", $"GET /api/v1/sessions/{id}/output", $"GET /api/v1/sessions/{id}/screen", $"POST /api/v1/sessions/{id}/input", $"POST /api/v1/tasks/{id}/input",
                $"POST /api/v1/sessions/{id}/resize", $"DELETE /api/v1/sessions/{id}", $"GET /api/v1/tasks/{id}/events",
            })
            {
                await client.AssertProblemAsync(route, 404);
            }

            Assert.Empty((await client.GetFromJsonAsync<JsonObject>("/api/v1/sessions"))!["sessions"]!.AsArray());
        }

        // Attach: with the header and with the first frame, the same "not found" as a missing session.
        foreach (var attach in new Func<Task<SessionSocket>>[]
        {
            () => AttachAsync(cluster, $"/api/v1/sessions/{id}/attach", header: BobKey(bob)),
            () => AttachAsync(cluster, $"/api/v1/sessions/{id}/attach", firstFrame: BobKey(bob)),
            () => AttachAsync(cluster, "/api/v1/sessions/no-such/attach", firstFrame: BobKey(bob)),
        })
        {
            using var socket = await attach();
            var error = await socket.ReadTextAsync();
            Assert.Equal(("error", 404), (Str(error, "type"), error["status"]!.GetValue<int>()));
            Assert.Matches("^[0-9a-f]{12}$", Str(error, "errorId"));
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, await socket.ReadCloseAsync());
        }

        // Nothing reached the node, and the session runs on.
        await Assert.ThrowsAsync<TimeoutException>(() => node.ReadAsync(TimeSpan.FromSeconds(1)));
        Assert.Equal("dispatched", Str((await alice.GetFromJsonAsync<JsonObject>($"/api/v1/sessions/{id}"))!, "state"));
    }

    [Fact]
    public async Task Attach_ReplaysLiveOutput_TakesInputResizeAndClose_EndsWithExit_ReattachResumesByOffset()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var alice = await cluster.UserAsync("alice");
        var (node, _) = await ConnectNodeAsync(cluster, alice, "n1");
        await using var __ = node;
        var id = Str(await (await alice.PostAsJsonAsync("/api/v1/sessions", new { nodeId = "n1", command = "python3" })).JsonAsync(), "id");
        await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Dispatch, Wait);
        await node.SendEventAsync(id, 1, e => e.Started = new TaskStarted { Pid = 7 });
        await node.SendOutputAsync(id, 2, "Python 3\r\n>>> ");
        await TestCluster.WaitUntilAsync(async () => (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/sessions/{id}"))!["outputBytes"]!.GetValue<long>() == 14, Wait, "output stored");

        // First-frame authentication, as a browser does; a new viewer sees the retained tail.
        var key = alice.DefaultRequestHeaders.Authorization!.Parameter!;
        long received;
        using (var socket = await AttachAsync(cluster, $"/api/v1/sessions/{id}/attach", firstFrame: key))
        {
            var attached = await socket.ReadTextAsync();
            Assert.Equal(("attached", 0L, id, "running"), (Str(attached, "type"), attached["offset"]!.GetValue<long>(), Str(attached["session"]!.AsObject(), "id"), Str(attached["session"]!.AsObject(), "state")));
            Assert.Equal("Python 3\r\n>>> ", await socket.ReadOutputAsync(14));

            await socket.SendInputAsync("1+1\r");
            var input = (await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Input, Wait)).Input;
            Assert.Equal(("1+1\r", 0ul), (input.Data.ToStringUtf8(), input.Offset));
            await node.SendOutputAsync(id, 3, "1+1\r\n2\r\n>>> ");
            Assert.Equal("1+1\r\n2\r\n>>> ", await socket.ReadOutputAsync(12));

            await socket.SendTextAsync(new { type = "resize", columns = 132, rows = 43 });
            var resize = (await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Resize, Wait)).Resize;
            Assert.Equal((132u, 43u), (resize.Columns, resize.Rows));
            await socket.SendTextAsync(new { type = "resize", columns = 0, rows = 43 });
            Assert.Equal(("error", 400), Problem(await socket.ReadTextAsync())); // refused, still attached
            received = 14 + 12;

            // Closing the socket only detaches.
            await socket.CloseAsync();
        }

        await node.SendOutputAsync(id, 4, "missed while away\r\n");
        using (var socket = await AttachAsync(cluster, $"/api/v1/sessions/{id}/attach?after={received}", header: key))
        {
            var attached = await socket.ReadTextAsync();
            Assert.Equal(received, attached["offset"]!.GetValue<long>());
            Assert.Equal("missed while away\r\n", await socket.ReadOutputAsync(19));

            await socket.SendTextAsync(new { type = "close" });
            Assert.Equal(id, (await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Cancel, Wait)).Cancel.TaskId);
            await node.SendOutputAsync(id, 5, "KeyboardInterrupt\r\n");
            await node.SendEventAsync(id, 6, e => e.Result = new TaskResult { Outcome = TaskOutcome.Cancelled });
            Assert.Equal("KeyboardInterrupt\r\n", await socket.ReadOutputAsync(19));
            var exit = await socket.ReadTextAsync();
            Assert.Equal(("exit", "cancelled", "cancelled"), (Str(exit, "type"), Str(exit, "state"), Str(exit, "outcome")));
            Assert.Equal(WebSocketCloseStatus.NormalClosure, await socket.ReadCloseAsync());
        }

        // A finished session still replays, then says how it ended.
        using (var socket = await AttachAsync(cluster, $"/api/v1/sessions/{id}/attach?after=40", header: key))
        {
            Assert.Equal(40, (await socket.ReadTextAsync())["offset"]!.GetValue<long>());
            Assert.Equal("way\r\nKeyboardInterrupt\r\n", await socket.ReadOutputAsync(24));
            Assert.Equal("exit", Str(await socket.ReadTextAsync(), "type"));
        }
    }

    [Fact]
    public async Task Attach_BadOrMissingFirstFrame_IsRefusedWith401()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var socket = await AttachAsync(cluster, "/api/v1/sessions/x/attach", firstFrame: "chk.alice.nokey.wrong");
        Assert.Equal(("error", 401), Problem(await socket.ReadTextAsync()));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await socket.ReadCloseAsync());

        using var client = cluster.Client(null);
        await (await client.GetAsync("/api/v1/sessions/x/attach")).AssertProblemAsync(401); // not an upgrade: the header is required
    }

    [Fact]
    public async Task Attach_ClientThatStopsReading_IsDropped_TheSessionGoesOn()
    {
        await using var cluster = await ApiFixture.StartAsync(configure: o => o.Configuration["CortexHub:Api:AttachSendTimeout"] = "00:00:02");
        using var alice = await cluster.UserAsync("alice");
        var (node, _) = await ConnectNodeAsync(cluster, alice, "n1");
        await using var __ = node;
        var id = Str(await (await alice.PostAsJsonAsync("/api/v1/sessions", new { nodeId = "n1", command = "yes" })).JsonAsync(), "id");
        await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Dispatch, Wait);
        await node.SendEventAsync(id, 1, e => e.Started = new TaskStarted { Pid = 7 });

        // A client with a 4 KiB receive buffer (no autotuning) that reads the attached frame, then nothing.
        using var stalled = await StalledClientAsync(cluster, $"/api/v1/sessions/{id}/attach", BobKey(alice));
        const int chunks = 128;
        var chunk = ByteString.CopyFrom(Enumerable.Repeat((byte)'y', 64 * 1024).ToArray());
        for (var i = 0; i < chunks; i++)
        {
            // Paced, one stored chunk at a time: a reader that keeps up is never overtaken by the retained
            // window, so what ends this one is its stalled send, not the output racing past it.
            await node.SendEventAsync(id, i + 2, e => e.Output = new OutputChunk { Stream = OutputStream.Stdout, Data = chunk });
            var stored = (i + 1) * 64L * 1024;
            await TestCluster.WaitUntilAsync(async () => (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/sessions/{id}"))!["outputBytes"]!.GetValue<long>() == stored, Wait, $"chunk {i} stored");
        }

        // The hub lets go of the socket (its request ends) instead of holding output for it.
        using var metrics = cluster.Client(null);
        await TestCluster.WaitUntilAsync(async () => await ActiveGetRequestsAsync(metrics) == 1, TimeSpan.FromSeconds(90), "the attach request ended");
        long received = 0;
        var ended = await Record.ExceptionAsync(async () =>
        {
            while (true)
            {
                var (type, data) = await stalled.ReadMessageAsync();
                received += data.Length;
                if (type == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        });
        Assert.True(ended is null or WebSocketException or IOException, $"the socket ended by {ended}");
        Assert.True(received < chunks * 64L * 1024, $"received {received} bytes");

        // The session is unharmed and takes a new viewer.
        Assert.Equal("running", Str((await alice.GetFromJsonAsync<JsonObject>($"/api/v1/sessions/{id}"))!, "state"));
        using var viewer = await AttachAsync(cluster, $"/api/v1/sessions/{id}/attach", header: BobKey(alice));
        Assert.Equal(chunks * 64L * 1024 - 64 * 1024, (await viewer.ReadTextAsync())["offset"]!.GetValue<long>());
    }

    /// <summary>A WebSocket over a socket whose receive buffer is fixed at 4 KiB, so the hub's sends stall as soon as it stops reading.</summary>
    private static async Task<SessionSocket> StalledClientAsync(TestCluster cluster, string path, string key)
    {
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(cluster[0].HttpAddress.Host, cluster[0].HttpAddress.Port);
        var stream = new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        var handshake = $"GET {path} HTTP/1.1\r\nHost: {cluster[0].HttpAddress.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {Convert.ToBase64String(Guid.NewGuid().ToByteArray())}\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer {key}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(handshake));
        var head = new StringBuilder();
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            var one = new byte[1];
            Assert.Equal(1, await stream.ReadAsync(one));
            head.Append((char)one[0]);
        }

        Assert.StartsWith("HTTP/1.1 101", head.ToString());
        var client = SessionSocket.Over(WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = Timeout.InfiniteTimeSpan }));
        Assert.Equal("attached", Str(await client.ReadTextAsync(), "type"));
        return client;
    }

    /// <summary>ASP.NET Core's count of GET requests in progress, from /metrics (the scrape counts itself).</summary>
    private static async Task<long> ActiveGetRequestsAsync(HttpClient client)
    {
        var metrics = await client.GetStringAsync("/metrics");
        var match = System.Text.RegularExpressions.Regex.Match(metrics, @"^http_server_active_requests\{[^}]*http_request_method=""GET""[^}]*\}\s+(\d+)", System.Text.RegularExpressions.RegexOptions.Multiline);
        return match.Success ? long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    internal static async Task<(TestNode Node, Welcome Welcome)> ConnectNodeAsync(TestCluster cluster, HttpClient owner, string nodeId)
    {
        var token = (await (await owner.PostAsJsonAsync("/api/v1/nodes", new { id = nodeId })).JsonAsync())["token"]!.GetValue<string>();
        return await TestNode.ConnectAsync(cluster[0].GrpcAddress, nodeId, token);
    }

    internal static Task<SessionSocket> AttachAsync(TestCluster cluster, string path, string? header = null, string? firstFrame = null) =>
        SessionSocket.ConnectAsync(cluster[0].HttpAddress, path, header, firstFrame);

    private static string BobKey(HttpClient bob) => bob.DefaultRequestHeaders.Authorization!.Parameter!;

    private static (int Offset, int Bytes) Accepted(JsonObject body) => (body["offset"]!.GetValue<int>(), body["bytes"]!.GetValue<int>());

    private static (string Type, int Status) Problem(JsonObject frame) => (Str(frame, "type"), frame["status"]!.GetValue<int>());

    private static string Str(JsonObject o, string name) => o[name]?.GetValue<string>()!;
}
