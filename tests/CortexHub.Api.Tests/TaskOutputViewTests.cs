using System.Net.Http.Json;
using CortexHub.Protocol.V1;

namespace CortexHub.Api.Tests;

/// <summary>What a log viewer (the dashboard) needs of a task's output: each event's time, and the whole log as one text.</summary>
public sealed class TaskOutputViewTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task TaskEvents_CarryTheTimeTheHubStoredThem()
    {
        var (cluster, alice, node) = await StartWithDispatchedTaskAsync();
        await using var _ = cluster;
        using var __ = alice;
        await using var ___ = node;
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        await node.SendOutputAsync("t1", 1, "one\n");
        await node.SendResultAsync("t1", 2, 0);
        using var events = await SseReader.OpenAsync(alice, "/api/v1/tasks/t1/events");

        foreach (var name in new[] { "output", "result" })
        {
            var e = await events.NextAsync(Wait);
            Assert.Equal(name, e.Event);
            Assert.True(e.Data["at"] is not null, $"the {name} event has no time: {e.Data.ToJsonString()}");
            var at = e.Data["at"]!.GetValue<DateTimeOffset>();
            Assert.InRange(at, before, DateTimeOffset.UtcNow.AddSeconds(1));
        }
    }

    [Fact]
    public async Task Logs_StreamAll_InterleavesStdoutAndStderrInTheirOrder()
    {
        var (cluster, alice, node) = await StartWithDispatchedTaskAsync();
        await using var _ = cluster;
        using var __ = alice;
        await using var ___ = node;

        await node.SendOutputAsync("t1", 1, "\u001b[32mout one\u001b[0m\n");
        await node.SendOutputAsync("t1", 2, "err one\n", OutputStream.Stderr);
        await node.SendOutputAsync("t1", 3, "out two\n");
        await node.SendResultAsync("t1", 4, 0);
        await alice.GetAsync("/api/v1/tasks/t1/wait?timeoutSeconds=20");

        Assert.Equal("\u001b[32mout one\u001b[0m\nerr one\nout two\n", await alice.GetStringAsync("/api/v1/tasks/t1/logs?stream=all"));
        Assert.Equal("out one\nerr one\nout two\n", await alice.GetStringAsync("/api/v1/tasks/t1/logs?stream=all&format=plain"));
        Assert.Equal("err one\n", await alice.GetStringAsync("/api/v1/tasks/t1/logs?stream=stderr"));
        await (await alice.GetAsync("/api/v1/tasks/t1/logs?stream=both")).AssertProblemAsync(400, "stream");
    }

    /// <summary>A hub, user alice, her node n1 connected, and her task t1 dispatched to it.</summary>
    private static async Task<(TestCluster Cluster, HttpClient Alice, TestNode Node)> StartWithDispatchedTaskAsync()
    {
        var cluster = await ApiFixture.StartAsync();
        var alice = await cluster.UserAsync("alice");
        var token = (await (await alice.PostAsJsonAsync("/api/v1/nodes", new { id = "n1" })).JsonAsync())["token"]!.GetValue<string>();
        var (node, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token);
        await alice.PostAsJsonAsync("/api/v1/tasks", new { id = "t1", nodeId = "n1", command = "build" });
        await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Dispatch, Wait);
        return (cluster, alice, node);
    }
}
