using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace CortexHub.Api.Tests;

/// <summary>
/// Keys and secrets against a real silo: keys listed without their secrets, revoked keys and
/// disabled users refused at once on every silo, no caching of answers carrying a secret, no
/// request header inside a provisioning script, and a problem for an Authorization header that is not UTF-8.
/// </summary>
public sealed class SecretsTests
{
    [Fact]
    public async Task Keys_ListedWithoutSecrets_RevokedKeyRefusedAtOnceOnEverySilo()
    {
        await using var cluster = await ApiFixture.StartAsync(StorageKind.Postgres, o => o.InitialSilos = 2);
        using var alice = await cluster.UserAsync("alice");
        using var admin = cluster.Client(ApiFixture.AdminKey);
        var laptopKey = (await (await alice.PostAsJsonAsync("/api/v1/me/keys", new { label = "laptop" })).JsonAsync())["apiKey"]!.GetValue<string>();
        using var laptopOnOtherSilo = cluster.Client(laptopKey, silo: 1);
        Assert.Equal(HttpStatusCode.OK, (await laptopOnOtherSilo.GetAsync("/api/v1/me")).StatusCode);

        var listed = await alice.GetStringAsync("/api/v1/me/keys");
        var keys = JsonNode.Parse(listed)!.AsArray();
        Assert.Equal(2, keys.Count);
        var laptop = keys.Single(k => k!["label"]!.GetValue<string>() == "laptop")!;
        var laptopKeyId = laptopKey.Split('.')[2];
        Assert.Equal(laptopKeyId, laptop["keyId"]!.GetValue<string>());
        Assert.Equal(laptopKey[^4..], laptop["lastFour"]!.GetValue<string>());
        Assert.True(laptop["createdAt"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.DoesNotContain(laptopKey.Split('.')[3], listed);
        Assert.Equal(listed, await admin.GetStringAsync("/api/v1/users/alice/keys"));
        await (await alice.GetAsync("/api/v1/users/admin/keys")).AssertProblemAsync(403);

        // Revoked through silo 0, refused at once through silo 1; her other key still works.
        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"/api/v1/me/keys/{laptopKeyId}")).StatusCode);
        await (await laptopOnOtherSilo.GetAsync("/api/v1/me")).AssertProblemAsync(401);
        Assert.Single((await alice.GetFromJsonAsync<JsonArray>("/api/v1/me/keys"))!);
        await (await alice.DeleteAsync($"/api/v1/me/keys/{laptopKeyId}")).AssertProblemAsync(404);

        // The last key is not revoked (it would lock its owner out): make another first.
        var firstKeyId = (await alice.GetFromJsonAsync<JsonArray>("/api/v1/me/keys"))![0]!["keyId"]!.GetValue<string>();
        await (await alice.DeleteAsync($"/api/v1/me/keys/{firstKeyId}")).AssertProblemAsync(409);
        await (await admin.DeleteAsync("/api/v1/users/nobody/keys/abc")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task DisabledUser_NodesStreamEndedAndRefused_UntilEnabled()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var alice = await cluster.UserAsync("alice");
        using var admin = cluster.Client(ApiFixture.AdminKey);
        var token = (await (await alice.PostAsJsonAsync("/api/v1/nodes", new { id = "alices-node" })).JsonAsync())["token"]!.GetValue<string>();
        var (node, _) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "alices-node", token);

        (await admin.PostAsync("/api/v1/users/alice/disable", null)).EnsureSuccessStatusCode();

        var ended = await node.ReadToEndAsync(TimeSpan.FromSeconds(30));
        await node.DisposeAsync();
        Assert.Equal(Grpc.Core.StatusCode.PermissionDenied, ended.StatusCode);
        Assert.Contains("disabled", ended.Detail);
        var refused = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => TestNode.ConnectAsync(cluster[0].GrpcAddress, "alices-node", token));
        Assert.Equal(Grpc.Core.StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("disabled", refused.Status.Detail);

        (await admin.PostAsync("/api/v1/users/alice/enable", null)).EnsureSuccessStatusCode();
        var (again, welcome) = await TestNode.ConnectAsync(cluster[0].GrpcAddress, "alices-node", token);
        await again.DisposeAsync();
        Assert.Equal("alices-node", welcome.NodeId);
    }

    [Fact]
    public async Task DisabledUser_RefusedAtOnceOnEverySilo_UntilEnabled_OnlyAdminsDoIt()
    {
        await using var cluster = await ApiFixture.StartAsync(StorageKind.Postgres, o => o.InitialSilos = 2);
        using var alice = await cluster.UserAsync("alice");
        using var admin = cluster.Client(ApiFixture.AdminKey);
        var aliceKey = alice.DefaultRequestHeaders.Authorization!.Parameter;
        using var aliceOnOtherSilo = cluster.Client(aliceKey, silo: 1);

        await (await alice.PostAsync("/api/v1/users/admin/disable", null)).AssertProblemAsync(403);
        await (await admin.PostAsync("/api/v1/users/admin/disable", null)).AssertProblemAsync(409); // not yourself
        await (await admin.PostAsync("/api/v1/users/nobody/disable", null)).AssertProblemAsync(404);

        var disabled = await (await admin.PostAsync("/api/v1/users/alice/disable", null)).JsonAsync();
        Assert.True(disabled["disabled"]!.GetValue<bool>());
        await (await aliceOnOtherSilo.GetAsync("/api/v1/me")).AssertProblemAsync(401);
        await (await alice.GetAsync("/api/v1/nodes")).AssertProblemAsync(401);

        var enabled = await (await admin.PostAsync("/api/v1/users/alice/enable", null)).JsonAsync();
        Assert.False(enabled["disabled"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, (await aliceOnOtherSilo.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task EveryAnswerCarryingASecret_IsNotStored_NoStore()
    {
        await using var cluster = await ApiFixture.StartAsync();
        using var admin = cluster.Client(ApiFixture.AdminKey);

        var answers = new[]
        {
            await admin.PostAsJsonAsync("/api/v1/users", new { id = "alice" }),
            await admin.PostAsJsonAsync("/api/v1/me/keys", new { label = "ci" }),
            await admin.PostAsJsonAsync("/api/v1/nodes", new { id = "n1" }),
            await admin.PostAsync("/api/v1/nodes/n1/token", null),
        };

        foreach (var answer in answers)
        {
            Assert.True(answer.IsSuccessStatusCode, $"{answer.RequestMessage!.RequestUri}: {answer.StatusCode}");
            Assert.True(answer.Headers.CacheControl?.NoStore == true, $"{answer.RequestMessage!.RequestUri}: Cache-Control {answer.Headers.CacheControl}");
        }
    }

    [Fact]
    public async Task ProvisioningScript_NamesTheConfiguredPublicUrl_NeverTheRequestsHostHeader()
    {
        await using var cluster = await ApiFixture.StartAsync(configure: o => o.Configuration["CortexHub:Api:PublicUrl"] = "https://hub.example:8443/");

        // HttpClient will not send a Host header it cannot parse (it sends its own beside it), so this request is written by hand.
        var (status, _, answer) = await RawSendAsync(cluster[0].HttpAddress, "POST /api/v1/nodes", """{"id":"n1"}""",
            "Host: evil$(id)", $"Authorization: Bearer {ApiFixture.AdminKey}"); // Kestrel takes it: $ ( ) are valid in a host
        Assert.True(status == 201, $"{status}: {answer}");
        var body = JsonNode.Parse(answer)!.AsObject();
        var (script, command) = (body["installScript"]!.GetValue<string>(), body["agentCommand"]!.GetValue<string>());

        Assert.DoesNotContain("evil", script);
        Assert.DoesNotContain("evil", command);
        Assert.Contains("AGENT_URL='https://hub.example:8443/agent/cortex-agent.tar.gz'", script);
        Assert.Contains($"HUB='http://127.0.0.1:{cluster[0].GrpcAddress.Port}'", script);
        Assert.DoesNotContain("pkill", script);
    }

    [Fact]
    public async Task AuthorizationHeaderThatIsNotUtf8_Is401Problem()
    {
        await using var cluster = await ApiFixture.StartAsync();

        // HttpClient refuses to send such a header, so this request is written by hand: 0xE9 is Latin-1 'é', invalid alone in UTF-8.
        var (status, contentType, body) = await RawSendAsync(cluster[0].HttpAddress, "GET /api/v1/me", null, $"Host: {cluster[0].HttpAddress.Authority}", "Authorization: Bearer chk.admin.testkey.s\u00e9cret");
        Assert.True(status == 401, $"{status} {contentType} '{body}'");
        Assert.Equal("application/problem+json", contentType);
        Assert.Matches("^[0-9a-f]{12}$", JsonNode.Parse(body)!["errorId"]!.GetValue<string>());
    }

    /// <summary>
    /// An HTTP/1.0 request (so the answer is not chunked) written on a socket, its head as Latin-1 bytes
    /// and its body as JSON, and its answer read to the end.
    /// </summary>
    private static async Task<(int Status, string? ContentType, string Body)> RawSendAsync(Uri server, string methodAndPath, string? json, params string[] headers)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        var stream = tcp.GetStream();
        var content = json is null ? "" : $"Content-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(json)}\r\n";
        await stream.WriteAsync(Encoding.Latin1.GetBytes($"{methodAndPath} HTTP/1.0\r\n{string.Join("", headers.Select(h => h + "\r\n"))}{content}\r\n"));
        await stream.WriteAsync(Encoding.UTF8.GetBytes(json ?? ""));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var (head, body) = (response.Split("\r\n\r\n", 2)[0], response.Split("\r\n\r\n", 2).ElementAtOrDefault(1) ?? "");
        var lines = head.Split("\r\n");
        var contentType = lines.Skip(1).FirstOrDefault(l => l.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))?.Split(':', 2)[1].Split(';')[0].Trim();
        return (int.Parse(lines[0].Split(' ')[1]), contentType, body);
    }
}
