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
    public async Task TasksJson_LogsJson_PoolStatsJson_TerminalJson_AllParse()
    {
        var taskId = HubFixture.NewTaskId("json");
        Assert.Equal(0, (await hub.RunAsync("run", "--node", HubFixture.NodeId, "--id", taskId, "--", "echo", "json")).ExitCode);

        var tasks = await hub.RunAsync("tasks", "--json", "--limit", "1000");
        var logs = await hub.RunAsync("--json", "logs", taskId);
        var stats = await hub.RunAsync("pool", "stats", "--json");
        var terminal = await hub.RunAsync("terminal", HubFixture.NodeId, "--json");

        Assert.All(new[] { tasks, logs, stats, terminal }, r => Assert.True(r.ExitCode == 0, r.ToString()));
        var task = JsonNode.Parse(tasks.Stdout)!.AsArray().Single(t => t!["taskId"]!.GetValue<string>() == taskId)!;
        Assert.Equal("succeeded", task["state"]!.GetValue<string>());
        Assert.Equal("json\n", JsonNode.Parse(logs.Stdout)!["text"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(stats.Stdout).RootElement.ValueKind);
        Assert.Equal(HubFixture.NodeId, JsonNode.Parse(terminal.Stdout)!["nodeId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Terminal_RawKeepsEscapes_PlainStripsThem_UnknownNodeExit4()
    {
        var marker = $"terminal-{Guid.NewGuid():N}";
        var node = hub.Cluster.GetGrain<Grains.Nodes.INodeGrain>(HubFixture.NodeId);
        await node.AppendTerminalAsync((await node.GetAsync()).ConnectionId!, System.Text.Encoding.UTF8.GetBytes($"\u001b[1m{marker}\u001b[0m\n"));

        var raw = await hub.RunAsync("terminal", HubFixture.NodeId);
        var plain = await hub.RunAsync("terminal", HubFixture.NodeId, "--plain");
        var missing = await hub.RunAsync("terminal", "no-such-node");

        Assert.True(raw.ExitCode == 0, raw.ToString());
        Assert.Contains($"\u001b[1m{marker}\u001b[0m\n", raw.Stdout);
        Assert.Contains($"{marker}\n", plain.Stdout);
        Assert.DoesNotContain("\u001b", plain.Stdout);
        Assert.True(missing.ExitCode == ExitCodes.NotFound, missing.ToString());
    }
}
