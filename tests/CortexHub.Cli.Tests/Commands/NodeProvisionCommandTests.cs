using System.Text.Json.Nodes;

namespace CortexHub.Cli.Tests.Commands;

/// <summary><c>cortex node provision</c>: the token shown once and the install script written privately.</summary>
[Collection(HubCollection.Name)]
public sealed class NodeProvisionCommandTests(HubFixture hub)
{
    [Fact]
    public async Task Provision_ScriptFile_HoldsTheToken_Mode600()
    {
        var nodeId = $"prov-{Guid.NewGuid():N}"[..17];
        var script = Path.Combine(TestDirectories.Create("script"), "install.sh");

        var result = await hub.RunAsync("node", "provision", nodeId, "--label", "gpu=1", "--label", "zone=a", "--name", "GPU box", "--script", script);

        Assert.True(result.ExitCode == 0, result.ToString());
        var token = result.Stdout.Split('\n').Single(l => l.StartsWith("Token (shown this once): ", StringComparison.Ordinal))["Token (shown this once): ".Length..];
        var text = await File.ReadAllTextAsync(script);
        Assert.StartsWith("#!/usr/bin/env bash", text);
        Assert.Contains(token, text);
        Assert.Contains("--label 'gpu=1'", text);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(script));
        var nodes = await hub.RunAsync("nodes");
        Assert.Matches($"{nodeId} +offline +gpu=1,zone=a +- +never", nodes.Stdout);
    }

    [Fact]
    public async Task Provision_ScriptToStdout_OnlyTheScriptOnStdout()
    {
        var nodeId = $"prov-{Guid.NewGuid():N}"[..17];

        var result = await hub.RunAsync("node", "provision", nodeId, "--script", "-");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("#!/usr/bin/env bash", result.Stdout);
        var token = result.Stderr.Split('\n').Single(l => l.StartsWith("Token (shown this once): ", StringComparison.Ordinal))["Token (shown this once): ".Length..];
        Assert.Contains(token, result.Stdout);
    }

    [Fact]
    public async Task Provision_Json_HasTokenAndScript_DuplicateIsAConflict()
    {
        var nodeId = $"prov-{Guid.NewGuid():N}"[..17];

        var result = await hub.RunAsync("node", "provision", nodeId, "--json");
        var again = await hub.RunAsync("node", "provision", nodeId);

        Assert.True(result.ExitCode == 0, result.ToString());
        var body = JsonNode.Parse(result.Stdout)!;
        Assert.Contains(body["token"]!.GetValue<string>(), body["installScript"]!.GetValue<string>());
        Assert.True(again.ExitCode == ExitCodes.ApiError, again.ToString());
        Assert.Matches(@"^cortex: Conflict: Node '.*' already exists; rotate its token to reconnect it\. \(error id [0-9a-f]{12}\)", again.Stderr);
    }
}
