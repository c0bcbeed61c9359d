using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace CortexHub.Dashboard.Tests;

/// <summary>
/// The task output view in Chromium against a real silo and a real node agent: empty-state hints,
/// a 200,000-line task (all lines reachable, few rows in the DOM, line numbers, times), search, the
/// raw log, Back, a pasted address, Re-run and Cancel (tests/browser/task-output.test.mjs).
/// </summary>
public sealed class TaskOutputTests(ITestOutputHelper output)
{
    private const string NodeId = "box-1";
    private const string BigTask = "t-200k";
    private const string SmallTask = "t-small";
    private const int Lines = 200_000;
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Dashboard_InChromium_200kLineTask_ShowsLineNumbers_SearchFindsALine_BackAndPastedUrlOpenTasks_RerunAndCancelWork()
    {
        var browser = await BrowserScript.PrepareAsync();
        await using var cluster = await HubFixture.StartAsync();
        using var admin = cluster.Client(HubFixture.AdminKey);
        var screenshots = HubFixture.ScreenshotFolder("task-output-");

        await using var script = browser.Start(
            "task-output.test.mjs", "--url", cluster[0].HttpAddress.ToString().TrimEnd('/'), "--key", HubFixture.AdminKey, "--node", NodeId,
            "--big-task", BigTask, "--lines", Lines.ToString(System.Globalization.CultureInfo.InvariantCulture), "--small-task", SmallTask,
            "--screenshots", screenshots, "--load-timeout", ((int)Wait.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        // The hints are checked on an empty hub; only then does anything exist.
        await BrowserScript.WaitForLineAsync(script, "empty state shown", TimeSpan.FromMinutes(2));

        var token = await admin.ProvisionNodeAsync(NodeId);
        await using var agent = AgentProcess.Start(cluster[0].GrpcAddress, NodeId, token);
        await DispatchAndWaitAsync(admin, BigTask, $"seq -f 'line %.0f' 1 {Lines}", "succeeded", agent);
        await DispatchAndWaitAsync(admin, SmallTask, "echo small one; echo small two >&2; exit 3", "failed", agent);

        await BrowserScript.AssertPassesAsync(script, Wait + TimeSpan.FromMinutes(5), output);
        var cancelled = script.Lines.Select(l => l.Split("cancelled task: ")).Single(parts => parts.Length == 2)[1].Trim();
        var task = await admin.GetFromJsonAsync<JsonObject>($"/api/v1/tasks/{Uri.EscapeDataString(cancelled)}");
        Assert.Equal("cancelled", task!["task"]!["state"]!.GetValue<string>());
        foreach (var name in new[] { "empty", "end", "search", "pasted", "cancelled" })
        {
            var file = Path.Combine(screenshots, $"task-output-{name}.png");
            Assert.True(File.Exists(file), $"No screenshot at {file}:\n{script.Output}");
        }
    }

    private static async Task DispatchAndWaitAsync(HttpClient admin, string id, string command, string state, AgentProcess agent)
    {
        var dispatched = await admin.PostAsJsonAsync("/api/v1/tasks", new { id, nodeId = NodeId, command });
        Assert.Equal(HttpStatusCode.Created, dispatched.StatusCode);
        string? now = null;
        await TestCluster.WaitUntilAsync(async () =>
        {
            var waited = await admin.GetFromJsonAsync<JsonObject>($"/api/v1/tasks/{id}/wait?timeoutSeconds=30");
            now = waited!["state"]!.GetValue<string>();
            return now is "succeeded" or "failed" or "cancelled" or "timedOut" or "lost";
        }, Wait, $"task {id} finished (agent output:\n{agent.Output})");
        Assert.Equal(state, now);
    }
}
