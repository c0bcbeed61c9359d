using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CortexHub.Api.Tests;

/// <summary>
/// The error answers of every /api/v1 route against a real silo: each is a problem
/// (application/problem+json) with an error id, and a validation error names the field.
/// The success paths are in <see cref="ApiTests"/> and <see cref="StreamTests"/>.
/// </summary>
public sealed class EndpointErrorTests
{
    [Fact]
    public async Task EveryApiRoute_WithoutAKey_Is401Problem_BeforeAnythingIsRead()
    {
        await using var cluster = await ApiFixture.StartAsync();
        var mapped = cluster[0].Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/v1/", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods
                .Select(method => $"{method} {e.RoutePattern.RawText!.TrimEnd('/')}"));
        Assert.Equal(ApiFixture.ApiRoutes.Order(), mapped.Order());

        using var anonymous = cluster.Client(null);
        using var forged = cluster.Client("chk.admin.testkey.wrong-secret");
        foreach (var route in ApiFixture.ApiRoutes.Select(r => r.Replace("{id}", "x")))
        {
            await anonymous.AssertProblemAsync(route, 401);
            await forged.AssertProblemAsync(route, 401);
        }

        // Nothing of an unauthenticated request is read: a malformed body or an unknown route is still a 401.
        await (await anonymous.PostAsync("/api/v1/tasks", new StringContent("{", Encoding.UTF8, "application/json"))).AssertProblemAsync(401);
        await (await anonymous.GetAsync("/api/v1/no-such-thing")).AssertProblemAsync(401);
    }

    [Fact]
    public async Task AnotherUsersNodeTaskAndPoolItem_AreNotFoundOnEveryRoute_AndStayUntouched()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var alice = await cluster.UserAsync("alice");
        using var bob = await cluster.UserAsync("bob");
        using var admin = cluster.Client(ApiFixture.AdminKey);
        var token = (await (await alice.PostAsJsonAsync("/api/v1/nodes", new { id = "a-node" })).JsonAsync())["token"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Created, (await alice.PostAsJsonAsync("/api/v1/tasks", new { id = "a-task", nodeId = "a-node", command = "make" })).StatusCode);
        var item = (await (await alice.PostAsJsonAsync("/api/v1/pool/items", new { command = "train" })).JsonAsync())["itemId"]!.GetValue<string>();

        foreach (var route in new[]
        {
            "GET /api/v1/nodes/a-node", "POST /api/v1/nodes/a-node/token", "DELETE /api/v1/nodes/a-node/token", "GET /api/v1/nodes/a-node/terminal",
            "GET /api/v1/tasks/a-task", "GET /api/v1/tasks/a-task/wait?timeoutSeconds=0", "POST /api/v1/tasks/a-task/cancel",
            "GET /api/v1/tasks/a-task/logs", "GET /api/v1/tasks/a-task/events",
            $"GET /api/v1/pool/items/{item}", $"POST /api/v1/pool/items/{item}/cancel", $"POST /api/v1/pool/items/{item}/requeue", $"DELETE /api/v1/pool/items/{item}",
        })
        {
            await bob.AssertProblemAsync(route, 404);
        }

        // Dispatching to her node reads as dispatching to no node at all.
        await (await bob.SendRouteAsync("POST /api/v1/tasks", new { nodeId = "a-node", command = "rm -rf /" })).AssertProblemAsync(400, "nodeId");
        Assert.Empty((await bob.GetFromJsonAsync<JsonArray>("/api/v1/nodes"))!);
        Assert.Empty((await bob.GetFromJsonAsync<JsonArray>("/api/v1/tasks"))!);
        Assert.Empty((await bob.GetFromJsonAsync<JsonObject>("/api/v1/pool/items"))!["items"]!.AsArray());

        // Nothing bob tried took effect: her token still connects, her task and item are as they were.
        var (node, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "a-node", token);
        await node.DisposeAsync();
        Assert.Equal("dispatched", (await alice.GetFromJsonAsync<JsonObject>("/api/v1/tasks/a-task"))!["task"]!["state"]!.GetValue<string>());
        Assert.Equal("available", (await alice.GetFromJsonAsync<JsonObject>($"/api/v1/pool/items/{item}"))!["state"]!.GetValue<string>());
        foreach (var path in new[] { "/api/v1/nodes/a-node", "/api/v1/tasks/a-task", $"/api/v1/pool/items/{item}" })
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(path)).StatusCode); // admins reach everything
        }
    }

    [Fact]
    public async Task UnknownIds_Are404Problems_EvenForAnAdmin()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var admin = cluster.Client(ApiFixture.AdminKey);
        const string wellFormedItem = "p0-00000000000000000000000000000000"; // reaches the store, unlike "nope"

        foreach (var route in new[]
        {
            "GET /api/v1/nodes/nope", "POST /api/v1/nodes/nope/token", "DELETE /api/v1/nodes/nope/token", "GET /api/v1/nodes/nope/terminal",
            "GET /api/v1/tasks/nope", "GET /api/v1/tasks/nope/wait", "POST /api/v1/tasks/nope/cancel", "GET /api/v1/tasks/nope/logs",
            "GET /api/v1/tasks/nope/events", $"GET /api/v1/tasks/{new string('t', 129)}",
            "GET /api/v1/pool/items/nope", $"GET /api/v1/pool/items/{wellFormedItem}", $"POST /api/v1/pool/items/{wellFormedItem}/cancel",
            $"POST /api/v1/pool/items/{wellFormedItem}/requeue", $"DELETE /api/v1/pool/items/{wellFormedItem}",
        })
        {
            await admin.AssertProblemAsync(route, 404);
        }
    }

    [Fact]
    public async Task OutOfRangeValues_Are400Problems_NamingTheField()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var admin = cluster.Client(ApiFixture.AdminKey);
        await admin.PostAsJsonAsync("/api/v1/nodes", new { id = "n1" });
        await admin.PostAsJsonAsync("/api/v1/tasks", new { id = "t1", nodeId = "n1", command = "make" });

        await (await admin.SendRouteAsync("POST /api/v1/me/keys", new { label = new string('k', 129) })).AssertProblemAsync(400, "label"); // 128 allowed
        await (await admin.SendRouteAsync("POST /api/v1/users", new { id = "carol", role = "1" })).AssertProblemAsync(400, "role");
        await (await admin.SendRouteAsync("POST /api/v1/users", new { name = "no id" })).AssertProblemAsync(400, "id");
        await (await admin.SendRouteAsync("POST /api/v1/users", new { id = "dave", name = new string('d', 129) })).AssertProblemAsync(400, "name");
        var tooManyLabels = Enumerable.Range(0, 33).ToDictionary(i => $"k{i}", i => "v");
        await (await admin.SendRouteAsync("POST /api/v1/nodes", new { id = "n2", labels = tooManyLabels })).AssertProblemAsync(400, "labels");
        await (await admin.SendRouteAsync("POST /api/v1/nodes", new { id = "has space" })).AssertProblemAsync(400, "id");

        await (await admin.SendRouteAsync("POST /api/v1/tasks", new { id = "has space", nodeId = "n1", command = "make" })).AssertProblemAsync(400, "id");
        await (await admin.SendRouteAsync("POST /api/v1/tasks", new { nodeId = "no-such-node", command = "make" })).AssertProblemAsync(400, "nodeId");
        var tail = await (await admin.SendRouteAsync("POST /api/v1/tasks", new { nodeId = "n1", command = "make", tailBytes = -1 })).AssertProblemAsync(400, "tailBytes");
        Assert.Null(tail["errors"]!["headBytes"]); // only the bad one is named
        await (await admin.SendRouteAsync("POST /api/v1/tasks", new { nodeId = "n1", command = "make", headBytes = int.MaxValue })).AssertProblemAsync(400, "headBytes");
        await admin.AssertProblemAsync("GET /api/v1/tasks?limit=1001", 400, "limit");
        await admin.AssertProblemAsync("GET /api/v1/tasks/t1/wait?timeoutSeconds=-1", 400, "timeoutSeconds");
        await admin.AssertProblemAsync("GET /api/v1/tasks/t1/wait?timeoutSeconds=NaN", 400, "timeoutSeconds");
        await admin.AssertProblemAsync("GET /api/v1/tasks/t1/logs?stream=stdin", 400, "stream");

        await (await admin.SendRouteAsync("POST /api/v1/pool/items", new { command = "x", priority = 2_000_000, requiredLabels = new Dictionary<string, string> { [""] = "v" } }))
            .AssertProblemAsync(400, "priority", "requiredLabels");
        await (await admin.SendRouteAsync("POST /api/v1/pool/items", new { command = "x", timeoutSeconds = 1e300, visibilityTimeoutSeconds = 5e11, delaySeconds = 1e12 }))
            .AssertProblemAsync(400, "timeoutSeconds", "visibilityTimeoutSeconds", "delaySeconds");
        await admin.AssertProblemAsync("GET /api/v1/pool/items?limit=0", 400, "limit");
        await admin.AssertProblemAsync("GET /api/v1/pool/items?limit=1001", 400, "limit");
        await admin.AssertProblemAsync("GET /api/v1/pool/items?state=1", 400, "state"); // enum numbers are not states
    }

    [Fact]
    public async Task QueryValueThatDoesNotParse_Is400Problem_NamingTheParameter()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var admin = cluster.Client(ApiFixture.AdminKey);

        foreach (var (route, parameter) in new[]
        {
            ("GET /api/v1/tasks?limit=ten", "limit"), ("GET /api/v1/tasks/t1/wait?timeoutSeconds=soon", "timeoutSeconds"),
            ("GET /api/v1/tasks/t1/events?after=last", "after"), ("GET /api/v1/events?after=last", "after"),
            ("GET /api/v1/pool/items?after=x", "after"), ("GET /api/v1/pool/items?limit=x", "limit"),
        })
        {
            var problem = await admin.AssertProblemAsync(route, 400);
            Assert.Contains(parameter, problem["detail"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task BodyThatIsNotTheExpectedJson_Is400Problem_OtherContentType415_WrongMethod405_UnknownPath404()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var admin = cluster.Client(ApiFixture.AdminKey);

        foreach (var path in new[] { "/api/v1/me/keys", "/api/v1/users", "/api/v1/nodes", "/api/v1/tasks", "/api/v1/tasks/t1/cancel", "/api/v1/pool/items", "/api/v1/pool/items/p0-x/cancel" })
        {
            foreach (var body in new[] { "{", "[]", "\"text\"" })
            {
                var response = await admin.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"POST {path} {body}: {response.StatusCode}");
                var problem = await response.AssertProblemAsync(400);
                Assert.Contains("request body", problem["detail"]!.GetValue<string>());
            }
        }

        await (await admin.PostAsync("/api/v1/tasks", new StringContent("""{"nodeId":"n1","command":"x","timeoutSeconds":"soon"}""", Encoding.UTF8, "application/json")))
            .AssertProblemAsync(400);

        // A route whose body is required answers a missing or null one the same way.
        await (await admin.PostAsync("/api/v1/nodes", null)).AssertProblemAsync(400);
        await (await admin.PostAsync("/api/v1/tasks", new StringContent("null", Encoding.UTF8, "application/json"))).AssertProblemAsync(400);

        // What routing turns away before the API runs answers a problem too: another content type, a wrong method, an unknown path.
        await (await admin.PostAsync("/api/v1/nodes", new StringContent("""{"id":"n1"}""", Encoding.UTF8, "text/plain"))).AssertProblemAsync(415);
        await (await admin.PutAsync("/api/v1/nodes", null)).AssertProblemAsync(405);
        await (await admin.GetAsync("/api/v1/no-such-thing")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task StorageUnavailable_Is503Problem_AndRecovers()
    {
        var outage = new StorageOutage();
        await using var cluster = await ApiFixture.StartAsync(configure: outage.Install);
        using var admin = cluster.Client(ApiFixture.AdminKey);

        outage.IsDown = true;
        var during = await admin.GetAsync("/api/v1/pool/stats");
        outage.IsDown = false;

        await during.AssertProblemAsync(503);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/pool/stats")).StatusCode);
    }
}
