using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CortexHub.Protocol.V1;
using Xunit.Abstractions;

namespace CortexHub.Dashboard.Tests;

/// <summary>The dashboard in a real browser (Debian's Chromium) against a real silo and a scripted node.</summary>
public sealed class DashboardTests(ITestOutputHelper output)
{
    private const string NodeId = "build-01";
    private const string TaskId = "t-dashboard";
    private const string RedText = "red alert";

    [Fact]
    public async Task Dashboard_InChromium_ShowsNodeComingOnlineLive_AndTaskOutputInRed()
    {
        var browser = await BrowserScript.PrepareAsync();
        await using var cluster = await HubFixture.StartAsync();
        using var admin = cluster.Client(HubFixture.AdminKey);
        var provisioned = await admin.PostAsJsonAsync("/api/v1/nodes", new { id = NodeId, name = "build box", labels = new Dictionary<string, string> { ["gpu"] = "1", ["zone"] = "lab" } });
        Assert.Equal(HttpStatusCode.Created, provisioned.StatusCode);
        var token = JsonNode.Parse(await provisioned.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();
        // Something in the pool panel: two waiting items at different priorities.
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/pool/items", new { command = "train --epochs 3", priority = 5 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/pool/items", new { command = "lint" })).StatusCode);

        var screenshot = Path.Combine(RepoPaths.Root, "artifacts", "test-results", "dashboard.png");
        File.Delete(screenshot);
        File.Delete(Path.ChangeExtension(screenshot, ".failure.png")); // the script leaves one when it fails
        await using var script = browser.Start(
            "dashboard.test.mjs", "--url", cluster[0].HttpAddress.ToString().TrimEnd('/'), "--key", HubFixture.AdminKey, "--node", NodeId, "--task", TaskId,
            "--screenshot", screenshot, "--text", RedText);

        // The page must see the node offline first, so "online" below can only come from the live event stream.
        await BrowserScript.WaitForLineAsync(script, $"node {NodeId} first shown as offline", TimeSpan.FromSeconds(60));

        var (node, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, NodeId, token);
        await using var _ = node;
        var dispatched = await admin.PostAsJsonAsync("/api/v1/tasks", new { id = TaskId, nodeId = NodeId, command = "make test", headBytes = 96, tailBytes = 96 });
        Assert.Equal(HttpStatusCode.Created, dispatched.StatusCode);
        var dispatch = (await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Dispatch, TimeSpan.FromSeconds(15))).Dispatch;
        Assert.Equal(TaskId, dispatch.TaskId);

        await node.SendOutputAsync(TaskId, 1, $"$ make test\n\u001b[31m{RedText}\u001b[0m: disk 97% full\n\u001b[1;33mwarning:\u001b[0m retrying\n");
        await node.SendOutputAsync(TaskId, 2, string.Concat(Enumerable.Range(1, 12).Select(i => $"  test {i:00} \u001b[32mok\u001b[0m\n")));
        await node.SendOutputAsync(TaskId, 3, "\u001b[38;5;208morange (256 colours)\u001b[0m <b>not bold: escaped</b>\n", OutputStream.Stderr);
        await node.SendOutputAsync(TaskId, 4, "\u001b[1;31m1 failed\u001b[0m, \u001b[32m12 passed\u001b[0m\n");
        await node.SendResultAsync(TaskId, 5, 1);

        await BrowserScript.AssertPassesAsync(script, TimeSpan.FromSeconds(60), output);
        Assert.True(File.Exists(screenshot), $"No screenshot at {screenshot}:\n{script.Output}");
    }
}
