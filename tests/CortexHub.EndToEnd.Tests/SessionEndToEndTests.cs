using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace CortexHub.EndToEnd.Tests;

/// <summary>
/// Interactive sessions end to end: the HTTP API and the attach WebSocket of a real silo, the real
/// agent on a real pseudo-terminal, real programs (python3, cat, wc), and a silo process killed mid-session.
/// </summary>
public sealed class SessionEndToEndTests(ITestOutputHelper output)
{
    private const string AdminKey = "chk.admin.e2ekey.admin-secret-for-session-tests";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Python_TypedThroughTheWebSocket_ScreenShows2_CtrlDEndsWithItsExitCode()
    {
        await using var cluster = await StartClusterAsync();
        using var alice = await UserAsync(cluster[0].HttpAddress, "alice");
        await using var agent = await StartAgentAsync(alice, cluster[0].GrpcAddress, "py-node");

        var id = await OpenAsync(alice, "py-node", "python3");
        using var socket = await SessionSocket.ConnectAsync(cluster[0].HttpAddress, $"/api/v1/sessions/{id}/attach", firstFrame: Key(alice));
        Assert.Equal("attached", (await socket.ReadTextAsync())["type"]!.GetValue<string>());
        await socket.ReadOutputUntilAsync(text => text.EndsWith(">>> ", StringComparison.Ordinal));

        await socket.SendInputAsync("1+1\r");
        await socket.ReadOutputUntilAsync(text => text.Contains("2\r\n>>> ", StringComparison.Ordinal));
        var screen = await ScreenAsync(alice, id);
        Assert.Contains(">>> 1+1\n2\n>>>", screen, StringComparison.Ordinal);

        // A resize reaches the program's terminal (the kernel's size, read back inside python).
        await socket.SendTextAsync(new { type = "resize", columns = 100, rows = 30 });
        await socket.SendInputAsync("import os; os.get_terminal_size()\r");
        await socket.ReadOutputUntilAsync(text => text.Contains("columns=100, lines=30", StringComparison.Ordinal));

        await socket.SendInputAsync("\u0004"); // Ctrl-D: end of input for the REPL, which exits 0
        var exit = await ReadUntilTextAsync(socket);
        Assert.Equal(("exit", "succeeded", 0, "exited"), (exit["type"]!.GetValue<string>(), exit["state"]!.GetValue<string>(), exit["exitCode"]!.GetValue<int>(), exit["outcome"]!.GetValue<string>()));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await socket.ReadCloseAsync());
    }

    [Fact]
    public async Task KeystrokeEcho_ThroughTheRealAgent_EveryKeyEchoedOnce_LatencyReported()
    {
        await using var cluster = await StartClusterAsync();
        using var alice = await UserAsync(cluster[0].HttpAddress, "alice");
        await using var agent = await StartAgentAsync(alice, cluster[0].GrpcAddress, "echo-node");
        var id = await OpenAsync(alice, "echo-node", "cat");
        using var socket = await SessionSocket.ConnectAsync(cluster[0].HttpAddress, $"/api/v1/sessions/{id}/attach", header: Key(alice));
        await socket.ReadTextAsync();

        // The terminal echoes each key as the line discipline receives it: key → hub → node → PTY → echo → hub → client.
        const int keys = 200;
        var latencies = new List<double>(keys);
        var clock = new Stopwatch();
        for (var i = 0; i < keys; i++)
        {
            var key = (char)('a' + (i % 26));
            var before = socket.Output.Count;
            clock.Restart();
            await socket.SendInputAsync(key.ToString());
            await socket.ReadOutputUntilAsync(_ => socket.Output.Count > before);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            Assert.Equal((byte)key, socket.Output[before]);
        }

        latencies.Sort();
        output.WriteLine($"keystroke echo over the WebSocket, real agent, SQLite: p50 {latencies[keys / 2]:F1} ms, p99 {latencies[(keys * 99 / 100) - 1]:F1} ms, max {latencies[^1]:F1} ms ({keys} keys)");
        Assert.Equal(keys, socket.Output.Count);
    }

    [Fact]
    public async Task Task_WithStdin_InputAndEnd_WcCountsEveryByte()
    {
        await using var cluster = await StartClusterAsync();
        using var alice = await UserAsync(cluster[0].HttpAddress, "alice");
        await using var agent = await StartAgentAsync(alice, cluster[0].GrpcAddress, "wc-node");

        Assert.True((await alice.PostAsJsonAsync("/api/v1/tasks", new { id = "wc", nodeId = "wc-node", command = "wc -c", stdin = true })).IsSuccessStatusCode);
        var chunk = new byte[50_000];
        new Random(3).NextBytes(chunk);
        for (var i = 0; i < 3; i++)
        {
            var sent = await alice.PostAsync("/api/v1/tasks/wc/input", new ByteArrayContent(chunk) { Headers = { ContentType = new("application/octet-stream") } });
            Assert.Equal(System.Net.HttpStatusCode.Accepted, sent.StatusCode);
        }

        await alice.PostAsync("/api/v1/tasks/wc/input?end=true", new ByteArrayContent([]) { Headers = { ContentType = new("application/octet-stream") } });
        var done = await alice.GetFromJsonAsync<JsonObject>("/api/v1/tasks/wc/wait?timeoutSeconds=60");
        Assert.Equal("succeeded", done!["state"]!.GetValue<string>());
        Assert.Equal("150000", (await alice.GetStringAsync("/api/v1/tasks/wc/logs")).Trim());

        // A task reading stdin without "stdin": it gets end-of-file at once.
        await alice.PostAsJsonAsync("/api/v1/tasks", new { id = "eof", nodeId = "wc-node", command = "wc -c" });
        Assert.Equal("succeeded", (await alice.GetFromJsonAsync<JsonObject>("/api/v1/tasks/eof/wait?timeoutSeconds=60"))!["state"]!.GetValue<string>());
        Assert.Equal("0", (await alice.GetStringAsync("/api/v1/tasks/eof/logs")).Trim());
    }

    [Fact]
    public async Task SiloProcessKilledMidSession_ClientReattachesByOffset_NoByteLostOrDoubled_ScreenIntact()
    {
        var data = Directory.CreateTempSubdirectory("cortexhub-session-").FullName;
        var (httpPort, grpcPort) = (FreePorts.Next(), FreePorts.Next());
        var environment = new Dictionary<string, string?>
        {
            ["CortexHub__Storage__Sqlite__DataDirectory"] = data,
            ["CortexHub__Api__AdminKey"] = AdminKey,
        };
        string[] ports = ["--CortexHub:Endpoints:BindAddress=127.0.0.1", $"--CortexHub:Endpoints:HttpPort={httpPort}", $"--CortexHub:Endpoints:GrpcPort={grpcPort}"];
        var http = new Uri($"http://127.0.0.1:{httpPort}");
        var silo = SiloProcess.Start(data, environment, ports);
        SiloProcess? restarted = null;
        try
        {
            await silo.WaitForOutputAsync("Application started", TimeSpan.FromMinutes(3));
            using var alice = await UserAsync(http, "alice");
            await using var agent = await StartAgentAsync(alice, new Uri($"http://127.0.0.1:{grpcPort}"), "kill-node");
            var id = await OpenAsync(alice, "kill-node", "python3");

            var socket = await SessionSocket.ConnectAsync(http, $"/api/v1/sessions/{id}/attach", header: Key(alice));
            await socket.ReadTextAsync();
            await socket.ReadOutputUntilAsync(text => text.EndsWith(">>> ", StringComparison.Ordinal));
            await socket.SendInputAsync("import time\r");
            await socket.SendInputAsync("for i in range(60): print('line', i); time.sleep(0.1)\r\r");
            await socket.ReadOutputUntilAsync(text => text.Contains("line 5\r\n", StringComparison.Ordinal));

            // The silo dies mid-output; the program goes on, the agent keeps what the hub did not acknowledge.
            silo.KillHard();
            await silo.WaitForExitAsync(TimeSpan.FromSeconds(10));
            var before = await DrainUntilDroppedAsync(socket);
            restarted = SiloProcess.Start(data, environment, ports);
            await restarted.WaitForOutputAsync("Application started", TimeSpan.FromMinutes(3));

            using var again = await SessionSocket.ConnectAsync(http, $"/api/v1/sessions/{id}/attach?after={before.Count}", header: Key(alice));
            var attached = await again.ReadTextAsync();
            Assert.Equal(before.Count, attached["offset"]!.GetValue<long>());
            await again.ReadOutputUntilAsync(text => text.Contains("line 59\r\n>>> ", StringComparison.Ordinal));
            await again.SendInputAsync("1+1\r");
            await again.ReadOutputUntilAsync(text => text.Contains("2\r\n>>> ", StringComparison.Ordinal));

            // What the client showed, across both sockets, is the session's output byte for byte.
            var shown = before.Concat(again.Output).ToArray();
            var stored = await alice.GetByteArrayAsync($"/api/v1/sessions/{id}/output?after=0");
            Assert.Equal(Encoding.UTF8.GetString(stored), Encoding.UTF8.GetString(shown));
            var expectedLines = string.Concat(Enumerable.Range(0, 60).Select(i => $"line {i}\r\n"));
            Assert.Contains(expectedLines, Encoding.UTF8.GetString(shown), StringComparison.Ordinal);
            var screen = await ScreenAsync(alice, id);
            Assert.Contains("line 59\n>>> 1+1\n2\n>>>", screen, StringComparison.Ordinal);
            socket.Dispose();
        }
        finally
        {
            await silo.DisposeAsync();
            if (restarted is not null)
            {
                output.WriteLine(restarted.Output[^Math.Min(restarted.Output.Length, 4000)..]);
                await restarted.DisposeAsync();
            }

            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>Reads what was still in flight until the dead silo's socket fails; returns every byte received.</summary>
    private static async Task<List<byte>> DrainUntilDroppedAsync(SessionSocket socket)
    {
        try
        {
            while (true)
            {
                var (type, _) = await socket.ReadMessageAsync();
                if (type == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The connection died with the silo.
        }

        return socket.Output;
    }

    private static async Task<JsonObject> ReadUntilTextAsync(SessionSocket socket)
    {
        while (true)
        {
            var (type, data) = await socket.ReadMessageAsync();
            if (type == WebSocketMessageType.Text)
            {
                return JsonNode.Parse(data)!.AsObject();
            }
        }
    }

    private static async Task<TestCluster> StartClusterAsync()
    {
        var options = new TestClusterOptions { Storage = await TestStorage.CreateAsync(StorageKind.Sqlite) };
        options.Configuration["CortexHub:Api:AdminKey"] = AdminKey;
        options.Configuration["CortexHub:Gateway:OutboxPollInterval"] = "00:00:00.500";
        return await TestCluster.StartAsync(options);
    }

    private static async Task<HttpClient> UserAsync(Uri http, string userId)
    {
        using var admin = Client(http, AdminKey);
        var created = await (await admin.PostAsJsonAsync("/api/v1/users", new { id = userId })).Content.ReadFromJsonAsync<JsonObject>();
        return Client(http, created!["apiKey"]!.GetValue<string>());
    }

    private static HttpClient Client(Uri http, string key)
    {
        var client = new HttpClient { BaseAddress = http, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static string Key(HttpClient client) => client.DefaultRequestHeaders.Authorization!.Parameter!;

    private async Task<AgentProcess> StartAgentAsync(HttpClient owner, Uri grpc, string nodeId)
    {
        var token = (await (await owner.PostAsJsonAsync("/api/v1/nodes", new { id = nodeId })).Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
        var agent = AgentProcess.Start(grpc, nodeId, token);
        try
        {
            await TestCluster.WaitUntilAsync(async () => (await owner.GetFromJsonAsync<JsonObject>($"/api/v1/nodes/{nodeId}"))!["status"]!.GetValue<string>() == "online",
                Wait, $"agent {nodeId} connected");
        }
        catch (TimeoutException)
        {
            output.WriteLine(agent.Output);
            throw;
        }

        return agent;
    }

    private static async Task<string> OpenAsync(HttpClient owner, string nodeId, string command)
    {
        var opened = await owner.PostAsJsonAsync("/api/v1/sessions", new { nodeId, command, columns = 80, rows = 24 });
        Assert.True(opened.IsSuccessStatusCode, await opened.Content.ReadAsStringAsync());
        return (await opened.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }

    private static Task<string> ScreenAsync(HttpClient owner, string id) => owner.GetStringAsync($"/api/v1/sessions/{id}/screen?format=text");
}
