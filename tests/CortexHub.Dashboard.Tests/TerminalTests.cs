using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace CortexHub.Dashboard.Tests;

/// <summary>
/// The dashboard's terminal (xterm.js) in Chromium against a real silo and a real node agent: open a
/// terminal on the node, type `echo hi`, see `hi`; resize; attach again; close
/// (tests/browser/terminal.test.mjs).
/// </summary>
public sealed class TerminalTests(ITestOutputHelper output)
{
    private const string NodeId = "term-1";
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Dashboard_InChromium_OpensTerminalOnNode_EchoHiShowsHi_ResizeReachesProgram_CloseEndsSession()
    {
        var browser = await BrowserScript.PrepareAsync();
        await using var cluster = await HubFixture.StartAsync();
        using var admin = cluster.Client(HubFixture.AdminKey);
        var screenshots = HubFixture.ScreenshotFolder("terminal-");
        var token = await admin.ProvisionNodeAsync(NodeId);
        await using var agent = AgentProcess.Start(cluster[0].GrpcAddress, NodeId, token);
        await TestCluster.WaitUntilAsync(async () =>
        {
            var node = await admin.GetFromJsonAsync<JsonObject>($"/api/v1/nodes/{NodeId}");
            return node!["status"]!.GetValue<string>() == "online";
        }, Wait, $"node {NodeId} online (agent output:\n{agent.Output})");

        await using var script = browser.Start(
            "terminal.test.mjs", "--url", cluster[0].HttpAddress.ToString().TrimEnd('/'), "--key", HubFixture.AdminKey, "--node", NodeId,
            "--screenshots", screenshots);
        await BrowserScript.AssertPassesAsync(script, Wait, output);

        var sessionId = script.Lines.Select(l => l.Split("session: ")).First(parts => parts.Length == 2)[1].Trim();
        var session = await admin.GetFromJsonAsync<JsonObject>($"/api/v1/sessions/{Uri.EscapeDataString(sessionId)}");
        Assert.Equal("cancelled", session!["state"]!.GetValue<string>());
        Assert.Equal(NodeId, session["nodeId"]!.GetValue<string>());
        foreach (var name in new[] { "hi", "resized", "closed" })
        {
            var file = Path.Combine(screenshots, $"terminal-{name}.png");
            Assert.True(File.Exists(file), $"No screenshot at {file}:\n{script.Output}");
        }
    }
}
