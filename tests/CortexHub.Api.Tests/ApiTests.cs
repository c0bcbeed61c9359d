using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CortexHub.Protocol.V1;

namespace CortexHub.Api.Tests;

/// <summary>The HTTP API against a real silo: success and error paths, and who may see what.</summary>
public sealed class ApiTests
{
    [Fact]
    public async Task NoKeyOrBadKey_Is401Problem_AndHealthStaysOpen()
    {
        await using var cluster = await ApiFixture.StartAsync();

        var none = await cluster.Client(null).GetAsync("/api/v1/nodes");
        var forged = await cluster.Client("chk.admin.testkey.wrong-secret").GetAsync("/api/v1/nodes");
        var garbage = await cluster.Client("hello").GetAsync("/api/v1/me");

        await none.AssertProblemAsync(401);
        await forged.AssertProblemAsync(401);
        await garbage.AssertProblemAsync(401);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.OK, (await cluster.Client(null).GetAsync("/healthz")).StatusCode);
        var me = await (await cluster.Client(ApiFixture.AdminKey).GetAsync("/api/v1/me")).JsonAsync();
        Assert.Equal(("admin", "admin"), (me["userId"]!.GetValue<string>(), me["role"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Users_OnlyAdminsCreate_KeysWork_DuplicatesConflict_BadFieldsNamed()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var alice = await cluster.UserAsync("alice");
        using var admin = cluster.Client(ApiFixture.AdminKey);

        await (await alice.PostAsJsonAsync("/api/v1/users", new { id = "eve" })).AssertProblemAsync(403);
        await (await admin.PostAsJsonAsync("/api/v1/users", new { id = "alice" })).AssertProblemAsync(409);
        await (await admin.PostAsJsonAsync("/api/v1/users", new { id = "Not Valid!", role = "king" })).AssertProblemAsync(400, "id", "role");
        var key = await (await alice.PostAsJsonAsync("/api/v1/me/keys", new { label = "laptop" })).JsonAsync();
        using var laptop = cluster.Client(key["apiKey"]!.GetValue<string>());
        Assert.Equal("alice", (await (await laptop.GetAsync("/api/v1/me")).JsonAsync())["userId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Nodes_ProvisionShowsTokenAndScriptOnce_UsersSeeOnlyTheirOwn()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var alice = await cluster.UserAsync("alice");
        using var bob = await cluster.UserAsync("bob");
        using var admin = cluster.Client(ApiFixture.AdminKey);

        var created = await alice.PostAsJsonAsync("/api/v1/nodes", new { id = "a-node", labels = new { gpu = "1" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        var token = body["token"]!.GetValue<string>();
        var script = body["installScript"]!.GetValue<string>();
        Assert.StartsWith("#!/usr/bin/env bash", script);
        Assert.Contains(token, script);
        Assert.Contains($":{cluster[0].GrpcAddress.Port}'", script);
        Assert.Contains("--label 'gpu=1'", script);
        Assert.DoesNotContain(token, (await alice.GetStringAsync("/api/v1/nodes/a-node"))); // shown once

        await (await alice.PostAsJsonAsync("/api/v1/nodes", new { id = "a-node" })).AssertProblemAsync(409);
        await (await alice.PostAsJsonAsync("/api/v1/nodes", new { id = "", labels = new { x = new string('v', 200) } })).AssertProblemAsync(400, "id", "labels");
        await (await bob.GetAsync("/api/v1/nodes/a-node")).AssertProblemAsync(404);
        await (await bob.PostAsync("/api/v1/nodes/a-node/token", null)).AssertProblemAsync(404);
        await (await bob.GetAsync("/api/v1/nodes/a-node/terminal")).AssertProblemAsync(404);
        Assert.Empty((await bob.GetFromJsonAsync<JsonArray>("/api/v1/nodes"))!);
        Assert.Single((await alice.GetFromJsonAsync<JsonArray>("/api/v1/nodes"))!);
        Assert.Single((await admin.GetFromJsonAsync<JsonArray>("/api/v1/nodes"))!);

        // The token connects; without a session the node has no terminal to show (SessionTests covers one with a session).
        var (node, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "a-node", token);
        Assert.Equal("no session on node a-node; open one with POST /api/v1/sessions",
            (await (await alice.GetAsync("/api/v1/nodes/a-node/terminal")).AssertProblemAsync(404))["detail"]!.GetValue<string>());

        // Rotating replaces the token at once and closes the stream that used the old one.
        var rotated = (await (await alice.PostAsync("/api/v1/nodes/a-node/token", null)).JsonAsync())["token"]!.GetValue<string>();
        Assert.NotEqual(token, rotated);
        Assert.Equal(Grpc.Core.StatusCode.Unauthenticated, (await node.ReadToEndAsync(TimeSpan.FromSeconds(10))).StatusCode);
        await node.DisposeAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => TestNode.ConnectAsync(cluster[0].GrpcAddress, "a-node", token));
        var (again, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "a-node", rotated);

        // Revoking leaves the node without a usable token and ends its stream.
        await (await bob.DeleteAsync("/api/v1/nodes/a-node/token")).AssertProblemAsync(404);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync("/api/v1/nodes/a-node/token")).StatusCode);
        Assert.Equal(Grpc.Core.StatusCode.Unauthenticated, (await again.ReadToEndAsync(TimeSpan.FromSeconds(10))).StatusCode);
        await again.DisposeAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => TestNode.ConnectAsync(cluster[0].GrpcAddress, "a-node", rotated));
    }

    [Fact]
    public async Task Nodes_Provision_AgentGetsOnePoolSlotUnlessAsked_BadCountIs400()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var admin = cluster.Client(ApiFixture.AdminKey);

        var first = await (await admin.PostAsJsonAsync("/api/v1/nodes", new { id = "first" })).JsonAsync();
        var none = await (await admin.PostAsJsonAsync("/api/v1/nodes", new { id = "none", poolSlots = 0 })).JsonAsync();
        var four = await (await admin.PostAsJsonAsync("/api/v1/nodes", new { id = "four", poolSlots = 4 })).JsonAsync();

        Assert.Contains("--pool-slots 1", first["installScript"]!.GetValue<string>());
        Assert.Contains("--pool-slots 1", first["agentCommand"]!.GetValue<string>());
        Assert.Contains("--pool-slots 0", none["installScript"]!.GetValue<string>());
        Assert.Contains("--pool-slots 4", four["agentCommand"]!.GetValue<string>());
        await (await admin.PostAsJsonAsync("/api/v1/nodes", new { id = "many", poolSlots = 5000 })).AssertProblemAsync(400, "poolSlots");
        await (await admin.PostAsJsonAsync("/api/v1/nodes", new { id = "negative", poolSlots = -1 })).AssertProblemAsync(400, "poolSlots");
    }

    [Fact]
    public async Task Tasks_DispatchFollowsTheNode_JournalWaitLogsCancel_OthersCannotTouch()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var alice = await cluster.UserAsync("alice");
        using var bob = await cluster.UserAsync("bob");
        var token = (await (await alice.PostAsJsonAsync("/api/v1/nodes", new { id = "a-node" })).JsonAsync())["token"]!.GetValue<string>();
        var (node, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "a-node", token);
        await using var _ = node;

        await (await bob.PostAsJsonAsync("/api/v1/tasks", new { nodeId = "a-node", command = "rm -rf /" })).AssertProblemAsync(400, "nodeId");
        await (await alice.PostAsJsonAsync("/api/v1/tasks", new { timeoutSeconds = -1 })).AssertProblemAsync(400, "nodeId", "command", "timeoutSeconds");
        var dispatched = await alice.PostAsJsonAsync("/api/v1/tasks", new { id = "t1", nodeId = "a-node", command = "make", headBytes = 4, tailBytes = 4 });
        Assert.Equal(HttpStatusCode.Created, dispatched.StatusCode);
        await (await alice.PostAsJsonAsync("/api/v1/tasks", new { id = "t1", nodeId = "a-node", command = "make" })).AssertProblemAsync(409);

        var dispatch = (await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Dispatch, TimeSpan.FromSeconds(10))).Dispatch;
        Assert.Equal(("t1", "make"), (dispatch.TaskId, dispatch.Command));
        var waiting = alice.GetAsync("/api/v1/tasks/t1/wait?timeoutSeconds=20");
        await node.SendOutputAsync("t1", 1, "\u001b[31mred\u001b[0m and more text\n");
        await node.SendResultAsync("t1", 2, 3);

        var waited = await (await waiting).JsonAsync();
        Assert.Equal("failed", waited["state"]!.GetValue<string>());
        var view = await alice.GetFromJsonAsync<JsonObject>("/api/v1/tasks/t1");
        Assert.Equal(3, view!["task"]!["result"]!["exitCode"]!.GetValue<int>());
        Assert.Equal("\u001b[31", view["stdout"]!["head"]!.GetValue<string>()); // the first 4 bytes
        Assert.True(view["stdout"]!["omittedBytes"]!.GetValue<long>() > 0);
        Assert.Equal("red and more text\n", await alice.GetStringAsync("/api/v1/tasks/t1/logs?format=plain"));
        Assert.Contains("\u001b[31m", await alice.GetStringAsync("/api/v1/tasks/t1/logs"));
        await (await alice.GetAsync("/api/v1/tasks/t1/logs?format=pdf")).AssertProblemAsync(400, "format");
        await (await alice.GetAsync("/api/v1/tasks/t1/wait?timeoutSeconds=9999")).AssertProblemAsync(400, "timeoutSeconds");

        await (await bob.GetAsync("/api/v1/tasks/t1")).AssertProblemAsync(404);
        await (await bob.GetAsync("/api/v1/tasks/t1/logs")).AssertProblemAsync(404);
        await (await bob.PostAsJsonAsync("/api/v1/tasks/t1/cancel", new { })).AssertProblemAsync(404);
        await (await alice.GetAsync("/api/v1/tasks/nope")).AssertProblemAsync(404);
        Assert.Equal(HttpStatusCode.OK, (await alice.PostAsJsonAsync("/api/v1/tasks/t1/cancel", new { })).StatusCode); // finished: a no-op
    }

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task Tasks_IdPrefix_ListsMatchingIdsInOrder_OnlyTheCallersOwn_NoWildcards(StorageKind storage)
    {
        await using var cluster = await ApiFixture.StartAsync(storage);
        using var alice = await cluster.UserAsync("alice");
        using var bob = await cluster.UserAsync("bob");
        using var admin = cluster.Client(ApiFixture.AdminKey);
        await alice.PostAsJsonAsync("/api/v1/nodes", new { id = "a-node" });
        await bob.PostAsJsonAsync("/api/v1/nodes", new { id = "b-node" });
        foreach (var id in new[] { "ab-2", "b-1", "abc", "ab-1", "a_c" })
        {
            Assert.Equal(HttpStatusCode.Created, (await alice.PostAsJsonAsync("/api/v1/tasks", new { id, nodeId = "a-node", command = "true" })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Created, (await bob.PostAsJsonAsync("/api/v1/tasks", new { id = "ab-bob", nodeId = "b-node", command = "true" })).StatusCode);

        static async Task<string[]> Ids(HttpClient client, string query) =>
            [.. (await client.GetFromJsonAsync<JsonArray>("/api/v1/tasks?" + query))!.Select(t => t!["taskId"]!.GetValue<string>())];

        Assert.Equal(["ab-1", "ab-2", "abc"], await Ids(alice, "idPrefix=ab"));
        Assert.Equal(["ab-1", "ab-2"], await Ids(alice, "idPrefix=ab&limit=2"));
        Assert.Equal(["ab-bob"], await Ids(bob, "idPrefix=ab"));
        Assert.Equal(["ab-1", "ab-2", "ab-bob", "abc"], await Ids(admin, "idPrefix=ab"));
        Assert.Equal(["abc"], await Ids(alice, "idPrefix=abc"));
        Assert.Equal(["a_c"], await Ids(alice, "idPrefix=a_"));
        Assert.Empty(await Ids(alice, "idPrefix=a%25"));
        Assert.Empty(await Ids(alice, "idPrefix=zz"));
        await (await alice.GetAsync("/api/v1/tasks?idPrefix=" + new string('x', 300))).AssertProblemAsync(400, "idPrefix");
    }

    [Fact]
    public async Task Pool_SubmitIdempotent_ListGetCancelRequeueDelete_Stats_PerUser()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var alice = await cluster.UserAsync("alice");
        using var bob = await cluster.UserAsync("bob");

        var first = await alice.PostAsJsonAsync("/api/v1/pool/items", new { command = "train", priority = 5, idempotencyKey = "k1", requiredLabels = new { gpu = "1" } });
        var again = await alice.PostAsJsonAsync("/api/v1/pool/items", new { command = "train", idempotencyKey = "k1" });
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (first.StatusCode, again.StatusCode));
        var id = (await first.JsonAsync())["itemId"]!.GetValue<string>();
        Assert.Equal(id, (await again.JsonAsync())["itemId"]!.GetValue<string>());
        await (await alice.PostAsJsonAsync("/api/v1/pool/items", new { command = "", maxAttempts = 0, visibilityTimeoutSeconds = 0.1 }))
            .AssertProblemAsync(400, "command", "maxAttempts", "visibilityTimeoutSeconds");

        var listed = await alice.GetFromJsonAsync<JsonObject>("/api/v1/pool/items?state=available");
        Assert.Equal(id, listed!["items"]![0]!["itemId"]!.GetValue<string>());
        Assert.Equal("available", listed["items"]![0]!["state"]!.GetValue<string>());
        Assert.Empty((await bob.GetFromJsonAsync<JsonObject>("/api/v1/pool/items"))!["items"]!.AsArray());
        await (await alice.GetAsync("/api/v1/pool/items?state=sleeping")).AssertProblemAsync(400, "state");
        await (await bob.GetAsync($"/api/v1/pool/items/{id}")).AssertProblemAsync(404);
        await (await bob.PostAsJsonAsync($"/api/v1/pool/items/{id}/cancel", new { })).AssertProblemAsync(404);

        await (await alice.PostAsync($"/api/v1/pool/items/{id}/requeue", null)).AssertProblemAsync(409); // not dead
        await (await alice.DeleteAsync($"/api/v1/pool/items/{id}")).AssertProblemAsync(409); // still live
        var cancelled = await (await alice.PostAsJsonAsync($"/api/v1/pool/items/{id}/cancel", new { reason = "changed plans" })).JsonAsync();
        Assert.Equal("cancelled", cancelled["state"]!.GetValue<string>());
        await (await alice.PostAsJsonAsync($"/api/v1/pool/items/{id}/cancel", new { })).AssertProblemAsync(409);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"/api/v1/pool/items/{id}")).StatusCode);
        await (await alice.GetAsync($"/api/v1/pool/items/{id}")).AssertProblemAsync(404);

        var stats = await alice.GetFromJsonAsync<JsonObject>("/api/v1/pool/stats");
        Assert.NotNull(stats!["counts"]);
    }

    [Fact]
    public async Task Pool_DeadLetterFromAFailingNode_RequeuedWithFreshAttempts_InFlightShownOnlyToTheNodesOwner()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var alice = await cluster.UserAsync("alice");
        using var bob = await cluster.UserAsync("bob");
        var token = (await (await alice.PostAsJsonAsync("/api/v1/nodes", new { id = "a-node" })).JsonAsync())["token"]!.GetValue<string>();
        await using var node = await TestNode.OpenAsync(cluster[0].GrpcAddress, new Hello { NodeId = "a-node", Token = token, PoolSlots = 1 });
        Assert.Equal(HubMessage.BodyOneofCase.Welcome, (await node.ReadAsync(TimeSpan.FromSeconds(10))).BodyCase);
        var id = (await (await alice.PostAsJsonAsync("/api/v1/pool/items", new { command = "flaky", maxAttempts = 1 })).JsonAsync())["itemId"]!.GetValue<string>();

        var dispatch = (await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Dispatch, TimeSpan.FromSeconds(10))).Dispatch;
        Assert.Equal(1, (await alice.GetFromJsonAsync<JsonObject>("/api/v1/pool/stats"))!["inFlightByNode"]!["a-node"]!.GetValue<long>());
        Assert.Empty((await bob.GetFromJsonAsync<JsonObject>("/api/v1/pool/stats"))!["inFlightByNode"]!.AsObject());
        await node.SendAsync(new NodeMessage { CommandAck = new CommandAck { CommandId = dispatch.CommandId } });
        await node.SendResultAsync(dispatch.TaskId, 1, exitCode: 1);
        await TestCluster.WaitUntilAsync(async () => (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/pool/items/{id}"))!["state"]!.GetValue<string>() == "dead",
            TimeSpan.FromSeconds(10), "the failed item is a dead letter");

        var requeued = await alice.PostAsync($"/api/v1/pool/items/{id}/requeue", null);
        Assert.Equal(HttpStatusCode.OK, requeued.StatusCode);
        var item = await requeued.JsonAsync();
        Assert.Equal(("available", 0), (item["state"]!.GetValue<string>(), item["attempts"]!.GetValue<int>()));
    }
}
