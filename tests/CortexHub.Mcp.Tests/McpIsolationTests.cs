using System.Net;
using System.Text.Json.Nodes;
using ModelContextProtocol;

namespace CortexHub.Mcp.Tests;

/// <summary>Every tool is scoped to the API key's user; /mcp without a valid key is 401 as the HTTP API is.</summary>
[Collection(McpHubCollection.Name)]
public sealed class McpIsolationTests(McpHub hub)
{
    [Fact]
    public async Task UserB_ThroughEveryTool_SeesNoneOfUserAsNodesOrTasks()
    {
        await using var alice = await hub.ClientAsync(hub.AliceKey);
        await using var bob = await hub.ClientAsync(hub.BobKey);
        var taskId = McpToolTests.TaskId(await alice.OkAsync("run_command", new { nodeId = McpHub.AliceNode, command = "echo alice-secret" }));
        var running = McpToolTests.TaskId(await alice.OkAsync("start_command", new { nodeId = McpHub.AliceNode, command = "sleep 600" }));
        var submitted = await alice.OkAsync("submit_work", new { command = "echo alice-pool", requiredLabels = new { owner = "alice" } });
        var itemId = submitted.Split(' ')[3];

        var nodes = await bob.OkAsync("list_nodes", new { });
        Assert.Contains(McpHub.BobNode, nodes);
        Assert.DoesNotContain("alice", nodes);
        Assert.DoesNotContain(running, nodes);
        Assert.StartsWith($"Unknown node '{McpHub.AliceNode}'", await bob.ErrorAsync("run_command", new { nodeId = McpHub.AliceNode, command = "echo bob" }));
        Assert.StartsWith($"Unknown node '{McpHub.AliceNode}'", await bob.ErrorAsync("start_command", new { nodeId = McpHub.AliceNode, command = "echo bob", queueIfOffline = true }));
        Assert.StartsWith("No online node of yours has the labels owner=alice", await bob.ErrorAsync("run_command", new { labels = new { owner = "alice" }, command = "echo bob" }));
        Assert.StartsWith($"Unknown node '{McpHub.AliceNode}'", await bob.ErrorAsync("terminal_history", new { nodeId = McpHub.AliceNode }));
        foreach (var (tool, arguments) in new (string, object)[]
        {
            ("get_task", new { taskId }),
            ("read_output", new { taskId }),
            ("wait_task", new { taskId, waitSeconds = 0 }),
            ("cancel_task", new { taskId = running }),
            ("add_thought", new { taskId, text = "bob was here" }),
        })
        {
            var error = await bob.ErrorAsync(tool, arguments);
            Assert.True(error.StartsWith("Unknown task", StringComparison.Ordinal), $"{tool}: {error}");
            Assert.DoesNotContain("alice-secret", error);
        }

        Assert.StartsWith($"Unknown pool item '{itemId}'", await bob.ErrorAsync("pool_status", new { itemId }));
        Assert.DoesNotContain(McpHub.AliceNode, await bob.OkAsync("pool_status", new { }));
        // bob's own work with alice's labels never reaches alice's node.
        Assert.Contains("Queued pool item", await bob.OkAsync("submit_work", new { command = "echo bob-pool", requiredLabels = new { owner = "alice" } }));
        var readError = await Assert.ThrowsAsync<McpProtocolException>(() => bob.ReadResourceAsync($"cortexhub://tasks/{taskId}/stdout").AsTask());
        Assert.Contains("Unknown task", readError.Message);

        // alice's task went on and is hers alone.
        Assert.DoesNotContain("bob was here", await alice.OkAsync("get_task", new { taskId }));
        Assert.Contains(": running", await alice.OkAsync("get_task", new { taskId = running }));
        await alice.OkAsync("cancel_task", new { taskId = running });
    }

    [Theory]
    [InlineData(null)]
    [InlineData("chk.alice.nokey.wrong-secret")]
    [InlineData("garbage")]
    public async Task Mcp_WithoutAValidKey_Is401WithAProblem(string? key)
    {
        using var http = hub.Http(key);

        var response = await http.PostAsync("/mcp", new StringContent(
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""",
            System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Matches("^[0-9a-f]{12}$", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errorId"]!.GetValue<string>());
        var client = await Assert.ThrowsAnyAsync<Exception>(() => hub.ClientAsync(key ?? "missing"));
        Assert.Contains("401", client.ToString());
    }
}
