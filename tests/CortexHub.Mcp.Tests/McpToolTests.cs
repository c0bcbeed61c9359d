using System.Text;
using System.Text.RegularExpressions;
using ModelContextProtocol.Protocol;

namespace CortexHub.Mcp.Tests;

/// <summary>The MCP tools through the C# SDK's client against a real hub and real agents.</summary>
[Collection(McpHubCollection.Name)]
public sealed partial class McpToolTests(McpHub hub, Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly string[] ToolNames =
    [
        "list_nodes", "run_command", "start_command", "get_task", "read_output", "wait_task", "cancel_task",
        "add_thought", "terminal_history", "submit_work", "pool_status",
        "open_session", "send_input", "read_screen", "close_session",
    ];

    [Fact]
    public async Task ListTools_EveryToolHasADescriptionAndAnInputSchema()
    {
        await using var client = await hub.ClientAsync(hub.AliceKey);

        var tools = await client.ListToolsAsync();

        Assert.Equal(ToolNames.Order(), tools.Select(t => t.Name).Order());
        Assert.All(tools, t =>
        {
            Assert.False(string.IsNullOrWhiteSpace(t.Description), t.Name);
            Assert.Equal("object", t.ProtocolTool.InputSchema.GetProperty("type").GetString());
        });
        var run = tools.Single(t => t.Name == "run_command").ProtocolTool.InputSchema;
        Assert.Equal(["command"], run.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.True(run.GetProperty("properties").TryGetProperty("labels", out _));
    }

    [Fact]
    public async Task RunCommand_OnANode_AnswersExitCodeStdoutAndStderr()
    {
        await using var client = await hub.ClientAsync(hub.AliceKey);

        var text = await client.OkAsync("run_command", new { nodeId = McpHub.AliceNode, command = "echo hello; echo oops >&2; exit 3" });

        Assert.Contains("failed, exit code 3", text);
        Assert.Contains("--- stdout: 6 bytes, 1 lines ---\nhello\n", text);
        Assert.Contains("--- stderr: 5 bytes, 1 lines ---\noops\n", text);
    }

    [Fact]
    public async Task RunCommand_ByLabels_RunsOnAMatchingNodeOfTheCaller()
    {
        await using var client = await hub.ClientAsync(hub.AliceKey);

        var text = await client.OkAsync("run_command", new { labels = new { role = "builder" }, command = "echo by-label" });

        Assert.Contains($"on node {McpHub.AliceNode}: succeeded, exit code 0", text);
        Assert.Contains("by-label", text);
    }

    [Fact]
    public async Task RunCommand_200000Lines_HeadTailAndMarkerThenTheMiddleThroughReadOutput()
    {
        await using var client = await hub.ClientAsync(hub.AliceKey);

        var result = await client.CallAsync("run_command", new { nodeId = McpHub.AliceNode, command = "seq 1 200000 | sed 's/^/line /'", waitSeconds = 240 });

        var text = result.Text();
        Assert.True(result.IsError != true, text);
        Assert.True(result.Utf8Bytes() <= 16 * 1024, $"{result.Utf8Bytes()} bytes");
        var total = Enumerable.Range(1, 200000).Sum(i => 6L + i.ToString().Length);
        Assert.Contains($"--- stdout: {total} bytes, 200000 lines ---\nline 1\nline 2\nline 3\n", text);
        Assert.EndsWith("line 199999\nline 200000\n--- stderr: empty ---\n", text);
        var marker = Marker().Match(text);
        Assert.True(marker.Success, text);
        var (omittedBytes, firstLine, lastLine) = (long.Parse(marker.Groups["bytes"].Value), int.Parse(marker.Groups["first"].Value), int.Parse(marker.Groups["last"].Value));
        // The head ends with the line before the first omitted one, the tail starts with the one after the last.
        Assert.Contains($"\nline {firstLine - 1}\n[… {omittedBytes} bytes omitted", text);
        Assert.Contains($"…]\nline {lastLine + 1}\n", text);
        Assert.Equal(total - omittedBytes, Encoding.UTF8.GetByteCount(text[text.IndexOf("line 1\n", StringComparison.Ordinal)..text.IndexOf("[…", StringComparison.Ordinal)])
            + Encoding.UTF8.GetByteCount(text[(text.IndexOf("…]\n", StringComparison.Ordinal) + 3)..text.IndexOf("--- stderr", StringComparison.Ordinal)]));
        var taskId = TaskId(text);

        var middle = await client.OkAsync("read_output", new { taskId, fromLine = 100000, lineCount = 3 });
        Assert.EndsWith("\nline 100000\nline 100001\nline 100002\n", middle);
        Assert.Contains("lines 100000–100002 of 200000", middle);

        var offset = long.Parse(marker.Groups["offset"].Value);
        var byBytes = await client.OkAsync("read_output", new { taskId, offset, length = 6 + firstLine.ToString().Length });
        Assert.EndsWith($"\nline {firstLine}\n", byBytes);
    }

    [Fact]
    public async Task BigOutputs_UnderLoad_NoAnswerExceedsItsBudget()
    {
        await using var client = await hub.ClientAsync(hub.AliceKey);
        // Invalid UTF-8 (random bytes) and ANSI colours in both streams, several at once.
        const string command = "for i in $(seq 1 3000); do printf '\\033[31mred %d é\\033[0m\\n' $i; done; head -c 200000 /dev/urandom; head -c 100000 /dev/urandom >&2; seq 1 50000 >&2";
        var started = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.OkAsync("start_command", new { nodeId = McpHub.AliceNode, command })));
        var taskIds = started.Select(TaskId).ToList();
        foreach (var id in taskIds)
        {
            await client.OkAsync("wait_task", new { taskId = id, waitSeconds = 240 });
        }

        // Load while the answers are made: more output streaming in, every answer asked for at once.
        var load = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => client.OkAsync("start_command", new { nodeId = McpHub.AliceNode, command = "seq 1 400000" })));
        var sizes = new List<string>();
        foreach (var budget in new[] { 2048, 5000, 16384, 100_000 })
        {
            var answers = await Task.WhenAll(taskIds.SelectMany(id => new[]
            {
                client.CallAsync("wait_task", new { taskId = id, waitSeconds = 240, maxBytes = budget }),
                client.CallAsync("get_task", new { taskId = id, maxBytes = budget }),
                client.CallAsync("read_output", new { taskId = id, maxBytes = budget }),
                client.CallAsync("read_output", new { taskId = id, stream = "stderr", format = "raw", fromLine = 2, maxBytes = budget }),
                client.CallAsync("get_task", new { taskId = TaskId(load[0]), maxBytes = budget }),
            }));
            Assert.All(answers, a => Assert.True(a.IsError != true && a.Utf8Bytes() <= budget, $"{a.Utf8Bytes()} > {budget}: {a.Text()[..Math.Min(300, a.Text().Length)]}"));
            Assert.All(answers.Take(4), a => Assert.True(a.Utf8Bytes() > budget * 3 / 4, $"{a.Utf8Bytes()} bytes of {budget}: the budget is used"));
            sizes.Add($"{budget}: {string.Join(",", answers.Select(a => a.Utf8Bytes()))}");
        }

        output.WriteLine("answer bytes by budget: " + string.Join("; ", sizes));

        var finished = await client.OkAsync("get_task", new { taskId = taskIds[0] });
        Assert.Contains("succeeded, exit code 0", finished);
        Assert.Contains("bytes omitted", finished);
    }

    [Fact]
    public async Task CancelTask_RunningCommand_EndsCancelledAndWaitSaysSo()
    {
        await using var client = await hub.ClientAsync(hub.AliceKey);
        var taskId = TaskId(await client.OkAsync("start_command", new { nodeId = McpHub.AliceNode, command = "echo started; sleep 600" }));
        await TestCluster.WaitUntilAsync(async () => (await client.OkAsync("get_task", new { taskId })).Contains(": running"), TimeSpan.FromSeconds(60), "the task runs");

        var cancel = await client.OkAsync("cancel_task", new { taskId, reason = "not needed" });
        var waited = await client.OkAsync("wait_task", new { taskId, waitSeconds = 120 });

        Assert.Contains("Cancel sent", cancel);
        Assert.Contains($"task {taskId} on node {McpHub.AliceNode}: cancelled", waited);
        Assert.Contains("started", waited);
        Assert.Contains("had already finished", await client.OkAsync("cancel_task", new { taskId }));
    }

    [Fact]
    public async Task WaitTask_StillRunning_IsATimeoutErrorThenAnswersTheResult()
    {
        await using var client = await hub.ClientAsync(hub.AliceKey);
        var taskId = TaskId(await client.OkAsync("start_command", new { nodeId = McpHub.AliceNode, command = "sleep 3; echo done" }));

        var early = await client.ErrorAsync("wait_task", new { taskId, waitSeconds = 0 });
        var late = await client.OkAsync("wait_task", new { taskId, waitSeconds = 120 });

        Assert.StartsWith($"Timeout: task {taskId} did not finish within 0 s", early);
        Assert.Contains("succeeded, exit code 0", late);
        Assert.Contains("done", late);
    }

    [Fact]
    public async Task AddThought_ShowsInGetTask()
    {
        await using var client = await hub.ClientAsync(hub.AliceKey);
        var taskId = TaskId(await client.OkAsync("run_command", new { nodeId = McpHub.AliceNode, command = "true" }));

        await client.OkAsync("add_thought", new { taskId, text = "checked the build is green" });

        Assert.Contains("checked the build is green", await client.OkAsync("get_task", new { taskId }));
        Assert.Contains("text: Required.", await client.ErrorAsync("add_thought", new { taskId, text = " " }));
        Assert.Contains("text: At most 4096 characters", await client.ErrorAsync("add_thought", new { taskId, text = new string('x', 5000) }));
    }

    [Fact]
    public async Task Errors_AreToolErrorsWithClearText()
    {
        await using var client = await hub.ClientAsync(hub.AliceKey);

        Assert.StartsWith("Unknown node 'nope'", await client.ErrorAsync("run_command", new { nodeId = "nope", command = "true" }));
        Assert.StartsWith($"Node '{McpHub.AliceOfflineNode}' is offline", await client.ErrorAsync("run_command", new { nodeId = McpHub.AliceOfflineNode, command = "true" }));
        Assert.StartsWith("No online node of yours has the labels role=spare", await client.ErrorAsync("run_command", new { labels = new { role = "spare" }, command = "true" }));
        Assert.Contains("command: At most 65536 characters (got 70000)", await client.ErrorAsync("run_command", new { nodeId = McpHub.AliceNode, command = new string('x', 70000) }));
        Assert.StartsWith("Give either nodeId or labels", await client.ErrorAsync("run_command", new { command = "true" }));
        Assert.StartsWith("waitSeconds must be between 0 and 300", await client.ErrorAsync("run_command", new { nodeId = McpHub.AliceNode, command = "true", waitSeconds = 301 }));
        Assert.StartsWith("maxBytes must be between 2048", await client.ErrorAsync("get_task", new { taskId = "x", maxBytes = 10 }));
        Assert.StartsWith("Unknown task 'nope'", await client.ErrorAsync("get_task", new { taskId = "nope" }));
        Assert.StartsWith("stream must be stdout or stderr", await client.ErrorAsync("read_output", new { taskId = "nope", stream = "both" }));
        Assert.Contains("reason: At most 1024 characters", await client.ErrorAsync("cancel_task", new { taskId = "nope", reason = new string('r', 2000) }));

        var queued = await client.OkAsync("start_command", new { nodeId = McpHub.AliceOfflineNode, command = "true", queueIfOffline = true });
        Assert.Matches($"on node {McpHub.AliceOfflineNode} \\((queued|dispatched)\\)", queued);
    }

    [Fact]
    public async Task SubmitWork_RunsInThePoolAndPoolStatusShowsIt()
    {
        await using var client = await hub.ClientAsync(hub.AliceKey);

        var submitted = await client.OkAsync("submit_work", new { command = "echo pooled", requiredLabels = new { owner = "alice" } });
        var itemId = ItemId().Match(submitted).Groups[1].Value;
        string status = "";
        await TestCluster.WaitUntilAsync(async () => (status = await client.OkAsync("pool_status", new { itemId })).Contains(": done"), TimeSpan.FromSeconds(120), "the item is done");

        Assert.Contains("exit code 0", status);
        Assert.Contains("pooled", await client.OkAsync("get_task", new { taskId = PoolTask().Match(status).Groups[1].Value }));
        Assert.Contains("items by state:", await client.OkAsync("pool_status", new { }));
    }

    internal static string TaskId(string text) => TaskIdPattern().Match(text) is { Success: true } match ? match.Groups[1].Value : throw new Xunit.Sdk.XunitException($"No task id in: {text}");

    [GeneratedRegex(@"task (t-[0-9a-f]{32})")]
    private static partial Regex TaskIdPattern();

    [GeneratedRegex(@", task ([^,\s]+)")]
    private static partial Regex PoolTask();

    [GeneratedRegex(@"pool item ([^ ]+?)[ :(.]")]
    private static partial Regex ItemId();

    [GeneratedRegex(@"\[… (?<bytes>\d+) bytes omitted: lines (?<first>\d+)–(?<last>\d+) \(\d+ lines\) of 200000, bytes (?<offset>\d+)–\d+ of \d+\.")]
    private static partial Regex Marker();
}
