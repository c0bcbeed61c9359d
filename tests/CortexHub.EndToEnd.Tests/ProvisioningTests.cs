using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CortexHub.EndToEnd.Tests;

/// <summary>
/// The newcomer's path with real processes: a silo process serves its bundled agent; a node is
/// provisioned through the API; the returned script, run by bash, downloads and starts the
/// agent; a task dispatched through the API runs on it.
/// </summary>
public sealed class ProvisioningTests
{
    private const string AdminKey = "chk.admin.e2e.provisioning-secret";

    [Fact]
    public async Task ProvisioningScript_InstallsAndStartsTheAgent_WhichRunsAFirstTask()
    {
        var data = Directory.CreateTempSubdirectory("cortexhub-prov-").FullName;
        var prefix = Directory.CreateTempSubdirectory("cortex-agent-prefix-").FullName;
        var http = FreePorts.Next();
        await using var silo = await StartSiloAsync(data, http);
        using var api = AdminClient(http);

        var archive = await api.GetAsync("/agent/cortex-agent.tar.gz");
        Assert.Equal("application/gzip", archive.Content.Headers.ContentType?.MediaType);
        var provisioned = await (await api.PostAsJsonAsync("/api/v1/nodes", new { id = "laptop", labels = new { os = "linux" } })).Content.ReadFromJsonAsync<JsonObject>();
        var script = Path.Combine(prefix, "install.sh");
        await File.WriteAllTextAsync(script, provisioned!["installScript"]!.GetValue<string>());

        try
        {
            var start = new ProcessStartInfo("bash", [script]) { Environment = { ["CORTEX_AGENT_PREFIX"] = prefix } };
            await using (var install = new CapturedProcess(start))
            {
                Assert.True(await install.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, install.Output);
                Assert.Contains("cortex-agent started", install.Output);
            }

            await TestCluster.WaitUntilAsync(async () =>
                (await api.GetFromJsonAsync<JsonObject>("/api/v1/nodes/laptop"))!["status"]!.GetValue<string>() == "online",
                TimeSpan.FromSeconds(30), "the provisioned agent connects");
            await api.PostAsJsonAsync("/api/v1/tasks", new { id = "first", nodeId = "laptop", command = "echo hello from $(uname -s)" });
            var done = await api.GetFromJsonAsync<JsonObject>("/api/v1/tasks/first/wait?timeoutSeconds=30");

            Assert.Equal("succeeded", done!["state"]!.GetValue<string>());
            Assert.Equal("hello from Linux\n", await api.GetStringAsync("/api/v1/tasks/first/logs?format=plain"));
        }
        finally
        {
            using var kill = Process.Start("pkill", ["-f", Path.Combine(prefix, "cortex-agent.dll")]);
            await kill.WaitForExitAsync();
            silo.Terminate();
            await silo.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>
    /// A caller-written Host header carrying a command substitution: the script names the address the
    /// request arrived on instead, so bash runs none of it. Run again, the script stops the agent it
    /// started by its recorded PID, and leaves alone a process that merely looks like it by name.
    /// </summary>
    [Fact]
    public async Task ProvisioningScript_CraftedHostHeaderRunsNothing_ARerunStopsOnlyItsOwnAgentByPid()
    {
        var data = Directory.CreateTempSubdirectory("cortexhub-prov-").FullName;
        var prefix = Directory.CreateTempSubdirectory("cortex-agent-prefix-").FullName;
        var marker = Path.Combine(prefix, "host-header-ran");
        var http = FreePorts.Next();
        await using var silo = await StartSiloAsync(data, http);
        using var api = AdminClient(http);

        var provisioned = await ProvisionWithHostAsync(http, "laptop", "evil$(touch$IFS$CORTEX_MARK)");
        var scriptText = provisioned["installScript"]!.GetValue<string>();
        var script = Path.Combine(prefix, "install.sh");
        await File.WriteAllTextAsync(script, scriptText);
        Process? lookalike = null;

        try
        {
            await RunScriptAsync(script, prefix, marker);
            Assert.False(File.Exists(marker), "the Host header's command ran");
            await WaitOnlineAsync(api);
            var firstAgent = int.Parse(await File.ReadAllTextAsync(Path.Combine(prefix, "agent.pid")));

            // A process whose command line holds what an earlier script matched by name (pkill -f).
            var hub = Regex.Match(scriptText, "^HUB='([^']*)'", RegexOptions.Multiline).Groups[1].Value;
            lookalike = Process.Start("bash", ["-c", "sleep 600; true", $"{prefix}/cortex-agent.dll --hub {hub} --node-id laptop"]);

            await RunScriptAsync(script, prefix, marker);
            var secondAgent = int.Parse(await File.ReadAllTextAsync(Path.Combine(prefix, "agent.pid")));
            Assert.NotEqual(firstAgent, secondAgent);
            await TestCluster.WaitUntilAsync(() => Task.FromResult(!IsRunning(firstAgent)), TimeSpan.FromSeconds(30), "the earlier agent stops");
            Assert.False(lookalike.HasExited, "the script stopped a process that only looked like its agent");
            Assert.True(IsRunning(secondAgent));
            await WaitOnlineAsync(api);
        }
        finally
        {
            lookalike?.Kill();
            if (File.Exists(Path.Combine(prefix, "agent.pid")) && int.TryParse(await File.ReadAllTextAsync(Path.Combine(prefix, "agent.pid")), out var agent) && IsRunning(agent))
            {
                using var leftover = Process.GetProcessById(agent);
                leftover.Kill();
            }

            silo.Terminate();
            await silo.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>POST /api/v1/nodes with a Host header of the caller's choosing, written by hand: HttpClient sends its own Host beside one it cannot parse.</summary>
    /// <summary>A silo process on its own SQLite folder, serving HTTP on <paramref name="httpPort"/>.</summary>
    private static async Task<SiloProcess> StartSiloAsync(string data, int httpPort)
    {
        var silo = SiloProcess.Start(data, new Dictionary<string, string?>
        {
            ["CortexHub__Storage__Sqlite__DataDirectory"] = data,
            ["CortexHub__Api__AdminKey"] = AdminKey,
        }, "--CortexHub:Endpoints:BindAddress=127.0.0.1", $"--CortexHub:Endpoints:HttpPort={httpPort}", $"--CortexHub:Endpoints:GrpcPort={FreePorts.Next()}");
        try
        {
            await silo.WaitForOutputAsync("Application started", TimeSpan.FromMinutes(3));
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    private static HttpClient AdminClient(int httpPort)
    {
        var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return api;
    }

    private static async Task<JsonObject> ProvisionWithHostAsync(int httpPort, string nodeId, string host)
    {
        var json = $$"""{"id":"{{nodeId}}"}""";
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync("127.0.0.1", httpPort);
        var stream = tcp.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
            $"POST /api/v1/nodes HTTP/1.0\r\nHost: {host}\r\nAuthorization: Bearer {AdminKey}\r\nContent-Type: application/json\r\nContent-Length: {json.Length}\r\n\r\n{json}"));
        using var reader = new StreamReader(stream);
        var response = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.StartsWith("HTTP/1.1 201", response);
        return JsonNode.Parse(response.Split("\r\n\r\n", 2)[1])!.AsObject();
    }

    private static async Task RunScriptAsync(string script, string prefix, string marker)
    {
        var start = new ProcessStartInfo("bash", [script]) { Environment = { ["CORTEX_AGENT_PREFIX"] = prefix, ["CORTEX_MARK"] = marker } };
        await using var install = new CapturedProcess(start);
        Assert.True(await install.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, install.Output);
        Assert.Contains("cortex-agent started", install.Output);
    }

    private static Task WaitOnlineAsync(HttpClient api) =>
        TestCluster.WaitUntilAsync(async () =>
            (await api.GetFromJsonAsync<JsonObject>("/api/v1/nodes/laptop"))!["status"]!.GetValue<string>() == "online",
            TimeSpan.FromSeconds(30), "the provisioned agent connects");

    /// <summary>Whether the process lives (a zombie nobody reaped yet counts as stopped).</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false; // no such process
        }
    }
}
