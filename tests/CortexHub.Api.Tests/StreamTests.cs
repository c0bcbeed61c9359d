using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CortexHub.Protocol.V1;

namespace CortexHub.Api.Tests;

/// <summary>Server-Sent Events (task follow and the event bus, both resumable by Last-Event-ID), task listing, OpenAPI and /metrics.</summary>
public sealed class StreamTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task TaskEvents_FollowLive_ResumeByLastEventId_EndWithTheOutcome()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var alice = await cluster.UserAsync("alice");
        using var bob = await cluster.UserAsync("bob");
        var token = (await (await alice.PostAsJsonAsync("/api/v1/nodes", new { id = "n1" })).JsonAsync())["token"]!.GetValue<string>();
        var (node, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "n1", token);
        await using var __ = node;
        await alice.PostAsJsonAsync("/api/v1/tasks", new { id = "t1", nodeId = "n1", command = "build" });
        await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Dispatch, Wait);

        await (await bob.GetAsync("/api/v1/tasks/t1/events")).AssertProblemAsync(404);
        await node.SendOutputAsync("t1", 1, "one\n");
        await node.SendOutputAsync("t1", 2, "two\n");
        var first = await SseReader.OpenAsync(alice, "/api/v1/tasks/t1/events");
        Assert.Equal(("1", "output", "one\n"), Summarize(await first.NextAsync(Wait)));
        Assert.Equal(("2", "output", "two\n"), Summarize(await first.NextAsync(Wait)));
        first.Dispose(); // the connection drops after event 2

        await node.SendOutputAsync("t1", 3, "thr\u00e9e\n", OutputStream.Stderr);
        await node.SendResultAsync("t1", 4, 0);
        var resumed = await SseReader.OpenAsync(alice, "/api/v1/tasks/t1/events", lastEventId: "2");
        var third = await resumed.NextAsync(Wait);
        Assert.Equal(("3", "output", "thr\u00e9e\n"), Summarize(third));
        Assert.Equal("stderr", third.Data["stream"]!.GetValue<string>());
        var result = await resumed.NextAsync(Wait);
        Assert.Equal(("result", 0), (result.Event, result.Data["exitCode"]!.GetValue<int>()));
        var end = await resumed.NextAsync(Wait);
        Assert.Equal(("end", "succeeded"), (end.Event, end.Data["state"]!.GetValue<string>()));
        Assert.Null(await resumed.NextOrEndAsync(Wait)); // the stream closes
    }

    [Fact]
    public async Task HubEvents_UsersSeeOnlyTheirOwn_AdminSeesAll()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var alice = await cluster.UserAsync("alice");
        using var bob = await cluster.UserAsync("bob");
        using var bobEvents = await SseReader.OpenAsync(bob, "/api/v1/events");
        using var adminEvents = await SseReader.OpenAsync(cluster.Client(ApiFixture.AdminKey), "/api/v1/events");

        var token = (await (await alice.PostAsJsonAsync("/api/v1/nodes", new { id = "alice-node" })).JsonAsync())["token"]!.GetValue<string>();
        var (node, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "alice-node", token);
        await using var __ = node;

        var seen = await adminEvents.NextAsync(Wait);
        Assert.Equal(("node.status", "alice-node", "online"), (seen.Event, seen.Data["nodeId"]!.GetValue<string>(), seen.Data["payload"]!["status"]!.GetValue<string>()));
        Assert.Null(await bobEvents.NextOrEndAsync(TimeSpan.FromSeconds(1), endIsTimeout: true));
    }

    [Fact]
    public async Task HubEvents_ResumeByLastEventId_ReplaysWhatTheUserMissed_AndNothingElse()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var alice = await cluster.UserAsync("alice");
        using var bob = await cluster.UserAsync("bob");
        string item, lastSeen;
        using (var live = await SseReader.OpenAsync(alice, "/api/v1/events"))
        {
            item = (await (await alice.PostAsJsonAsync("/api/v1/pool/items", new { command = "train" })).JsonAsync())["itemId"]!.GetValue<string>();
            var submitted = await live.NextAsync(Wait);
            Assert.Equal(("pool.item", item, "submitted"), Summarize(submitted));
            lastSeen = submitted.Id!;
        }

        // Missed while away, in this order (one silo publishes in order): bob's submit, then her cancel.
        await bob.PostAsJsonAsync("/api/v1/pool/items", new { command = "bob's" });
        await alice.PostAsJsonAsync($"/api/v1/pool/items/{item}/cancel", new { });

        using var resumed = await SseReader.OpenAsync(alice, "/api/v1/events", lastEventId: lastSeen);
        var missed = await resumed.NextAsync(Wait);
        Assert.Equal(("pool.item", item, "cancelled"), Summarize(missed));
        Assert.True(long.Parse(missed.Id!) > long.Parse(lastSeen));

        static (string Event, string ItemId, string Change) Summarize(SseReader.Message m) =>
            (m.Event, m.Data["payload"]!["itemId"]!.GetValue<string>(), m.Data["payload"]!["change"]!.GetValue<string>());
    }

    [Fact]
    public async Task TaskList_OwnTasksNewestFirst_OpenApiAndMetricsServed()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var alice = await cluster.UserAsync("alice");
        using var bob = await cluster.UserAsync("bob");
        await alice.PostAsJsonAsync("/api/v1/nodes", new { id = "n1" });
        await alice.PostAsJsonAsync("/api/v1/tasks", new { id = "first", nodeId = "n1", command = "a" });
        await alice.PostAsJsonAsync("/api/v1/tasks", new { id = "second", nodeId = "n1", command = "b" });

        var mine = await alice.GetFromJsonAsync<JsonArray>("/api/v1/tasks");
        Assert.Equal(["second", "first"], mine!.Select(t => t!["taskId"]!.GetValue<string>()));
        Assert.Equal("dispatched", mine![0]!["state"]!.GetValue<string>());
        Assert.Empty((await bob.GetFromJsonAsync<JsonArray>("/api/v1/tasks"))!);
        await (await alice.GetAsync("/api/v1/tasks?limit=0")).AssertProblemAsync(400, "limit");

        var openApi = await cluster.Client(null).GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        Assert.NotNull(openApi!["paths"]!["/api/v1/tasks/{id}/events"]);
        Assert.NotNull(openApi["paths"]!["/api/v1/pool/items"]);
        var metrics = await cluster.Client(null).GetAsync("/metrics");
        Assert.Equal("text/plain", metrics.Content.Headers.ContentType?.MediaType);
        var text = await metrics.Content.ReadAsStringAsync();
        Assert.Contains("cortexhub_storage_operations_total", text); // ours
        Assert.Contains("orleans_catalog_activations", text);        // Orleans'
        Assert.Contains("http_server_request_duration_seconds", text); // ASP.NET Core's
    }

    [Fact]
    public async Task OrleansDashboard_AdminKeyOnly_AsBearerOrBasicPassword()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var alice = await cluster.UserAsync("alice");

        var anonymous = await cluster.Client(null).GetAsync("/orleans/");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.StartsWith("Basic realm=", anonymous.Headers.WwwAuthenticate.ToString());
        Assert.Contains("admin API key", (await anonymous.AssertProblemAsync(401))["detail"]!.GetValue<string>());
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await alice.GetAsync("/orleans/DashboardCounters")).StatusCode);

        using var browser = cluster.Client(null);
        browser.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("any:" + ApiFixture.AdminKey)));
        var page = await browser.GetAsync("/orleans/");
        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Orleans Dashboard", await page.Content.ReadAsStringAsync());
        using var admin = cluster.Client(ApiFixture.AdminKey);
        // The dashboard gathers its counters every second or so: the silo shows up shortly.
        await TestCluster.WaitUntilAsync(async () => (await admin.GetFromJsonAsync<JsonObject>("/orleans/DashboardCounters"))!["hosts"]!.AsArray().Count == 1,
            TimeSpan.FromSeconds(30), "the dashboard lists the silo");
    }

    private static (string? Id, string Event, string? Text) Summarize(SseReader.Message m) => (m.Id, m.Event, m.Data["text"]?.GetValue<string>());
}
