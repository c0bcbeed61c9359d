using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CortexHub.Cli.Tests.Commands;

/// <summary><c>--json</c> prints the hub's JSON, parsable, on every command.</summary>
[Collection(HubCollection.Name)]
public sealed class JsonOutputTests(HubFixture hub)
{
    [Fact]
    public async Task NodesJson_IsAnArrayWithTheNodeOnline()
    {
        var result = await hub.RunAsync("nodes", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var node = JsonNode.Parse(result.Stdout)!.AsArray().Single(n => n!["nodeId"]!.GetValue<string>() == HubFixture.NodeId)!;
        Assert.Equal("online", node["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task NodesTable_ShowsStatusAndAgentVersion()
    {
        var result = await hub.RunAsync("nodes");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.TrimEnd('\n').Split('\n');
        Assert.Matches("^ID +STATUS +LABELS +AGENT +LAST SEEN$", lines[0]);
        Assert.Matches($"^{HubFixture.NodeId} +online +", lines.Single(l => l.StartsWith(HubFixture.NodeId + " ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TasksJson_LogsJson_PoolStatsJson_AllParse()
    {
        var taskId = HubFixture.NewTaskId("json");
        Assert.Equal(0, (await hub.RunAsync("run", "--node", HubFixture.NodeId, "--id", taskId, "--", "echo", "json")).ExitCode);

        var tasks = await hub.RunAsync("tasks", "--json", "--limit", "1000");
        var logs = await hub.RunAsync("--json", "logs", taskId);
        var stats = await hub.RunAsync("pool", "stats", "--json");

        Assert.All(new[] { tasks, logs, stats }, r => Assert.True(r.ExitCode == 0, r.ToString()));
        var task = JsonNode.Parse(tasks.Stdout)!.AsArray().Single(t => t!["taskId"]!.GetValue<string>() == taskId)!;
        Assert.Equal("succeeded", task["state"]!.GetValue<string>());
        Assert.Equal("json\n", JsonNode.Parse(logs.Stdout)!["text"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(stats.Stdout).RootElement.ValueKind);
    }

    [Fact]
    public async Task Terminal_PrintsTheScreenOfTheLatestSession_JsonNamesIt_UnknownNodeExit4()
    {
        var marker = $"terminal-{Guid.NewGuid():N}";
        using var admin = new HttpClient { BaseAddress = hub.Hub };
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", HubFixture.AdminKey);
        var opened = await admin.PostAsJsonAsync("/api/v1/sessions", new { nodeId = HubFixture.NodeId, command = $"printf '\\033[1m%s\\033[0m\\n' {marker}; sleep 300" });
        opened.EnsureSuccessStatusCode();
        var sessionId = (await opened.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        try
        {
            CliResult text = null!;
            await TestCluster.WaitUntilAsync(async () => (text = await hub.RunAsync("terminal", HubFixture.NodeId)).Stdout.Contains(marker, StringComparison.Ordinal),
                HubFixture.Wait, "the session's screen shows the marker");
            var json = await hub.RunAsync("terminal", HubFixture.NodeId, "--json");
            var missing = await hub.RunAsync("terminal", "no-such-node");

            Assert.True(text.ExitCode == 0, text.ToString());
            Assert.StartsWith(marker + "\n", text.Stdout); // the screen's text: the escapes applied, not printed
            Assert.True(json.ExitCode == 0, json.ToString());
            var screen = JsonNode.Parse(json.Stdout)!;
            Assert.Equal((HubFixture.NodeId, sessionId, 80, 24), (screen["nodeId"]!.GetValue<string>(), screen["sessionId"]!.GetValue<string>(),
                screen["columns"]!.GetValue<int>(), screen["rows"]!.GetValue<int>()));
            Assert.True(missing.ExitCode == ExitCodes.NotFound, missing.ToString());
        }
        finally
        {
            await admin.DeleteAsync($"/api/v1/sessions/{Uri.EscapeDataString(sessionId)}");
        }
    }
}
