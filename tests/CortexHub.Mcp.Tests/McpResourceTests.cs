using System.Collections.Concurrent;
using ModelContextProtocol.Protocol;

namespace CortexHub.Mcp.Tests;

/// <summary>Task logs as MCP resources, with update notifications to subscribers while the task runs.</summary>
[Collection(McpHubCollection.Name)]
public sealed class McpResourceTests(McpHub hub)
{
    [Fact]
    public async Task TaskLogResource_Subscribed_NotifiesWhileTheTaskRunsAndReadsTheLog()
    {
        // Subscriptions belong to sessions: a client of the initialize handshake (2025-11-25) has one.
        await using var client = await hub.ClientAsync(hub.AliceKey, "2025-11-25");
        var templates = await client.ListResourceTemplatesAsync();
        Assert.Contains(templates, t => t.UriTemplate == "cortexhub://tasks/{taskId}/stdout");
        Assert.Contains(templates, t => t.UriTemplate == "cortexhub://tasks/{taskId}/stderr");
        Assert.True(client.ServerCapabilities.Resources?.Subscribe == true);
        var taskId = McpToolTests.TaskId(await client.OkAsync("start_command", new
        {
            nodeId = McpHub.AliceNode,
            command = "echo first; for i in $(seq 1 10); do sleep 0.3; echo tick; done; echo last",
        }));
        var uri = $"cortexhub://tasks/{taskId}/stdout";
        var updates = new ConcurrentQueue<string>();

        await client.SubscribeToResourceAsync(uri, (notification, _) =>
        {
            updates.Enqueue(notification.Uri);
            return ValueTask.CompletedTask;
        });
        await TestCluster.WaitUntilAsync(() => Task.FromResult(updates.Count >= 2), TimeSpan.FromSeconds(60), "update notifications");
        await client.OkAsync("wait_task", new { taskId, waitSeconds = 120 });

        Assert.All(updates, u => Assert.Equal(uri, u));
        var read = await client.ReadResourceAsync(uri);
        var text = Assert.IsType<TextResourceContents>(Assert.Single(read.Contents)).Text;
        Assert.StartsWith("first\ntick\n", text);
        Assert.EndsWith("tick\nlast\n", text);
    }
}
