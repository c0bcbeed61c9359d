using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

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
        var (http, grpc) = (FreePorts.Next(), FreePorts.Next());
        await using var silo = SiloProcess.Start(data, new Dictionary<string, string?>
        {
            ["CortexHub__Storage__Sqlite__DataDirectory"] = data,
            ["CortexHub__Api__AdminKey"] = AdminKey,
        }, "--CortexHub:Endpoints:BindAddress=127.0.0.1", $"--CortexHub:Endpoints:HttpPort={http}", $"--CortexHub:Endpoints:GrpcPort={grpc}");
        await silo.WaitForOutputAsync("Application started", TimeSpan.FromMinutes(3));
        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);

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
}
