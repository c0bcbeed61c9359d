using System.Net.Http.Json;
using CortexHub.Protocol.V1;

namespace CortexHub.Api.Tests;

/// <summary>
/// Requests that nginx refuses while parsing the request line never reach a silo; the shipped nginx
/// front (deploy/nginx/cortexhub.conf) answers them as problems with an error id, as a silo answers
/// what its own Kestrel refuses (<see cref="RefusedRequestTests"/>). Real nginx in front of a real silo.
/// </summary>
public sealed class NginxFrontTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;
    private NginxProcess _nginx = null!;
    private HttpClient _api = null!;

    public async Task InitializeAsync()
    {
        _cluster = await ApiFixture.StartAsync();
        _nginx = await NginxProcess.StartAsync([(_cluster[0].HttpAddress.Port, _cluster[0].GrpcAddress.Port)]);
        _api = new HttpClient { BaseAddress = _nginx.HttpAddress };
        _api.DefaultRequestHeaders.Authorization = new("Bearer", ApiFixture.AdminKey);
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _nginx.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Theory]
    [InlineData("/api/v1/tasks/a%00b", 400)]
    [InlineData("/api/v1/tasks/{long}", 414)]
    public async Task RequestRefusedBeforeTheApplication_IsAProblemWithAnErrorId(string path, int status)
    {
        var response = await _api.GetAsync(path.Replace("{long}", new string('a', 20_000), StringComparison.Ordinal));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{(int)response.StatusCode} {response.Content.Headers.ContentType}: '{body}'");
        await response.AssertProblemAsync(status);
    }

    [Fact]
    public async Task TheSilosOwnProblems_PassThroughUnchanged()
    {
        var response = await _api.PostAsJsonAsync("/api/v1/tasks", new { command = "" });

        await response.AssertProblemAsync(400, "command"); // the silo's validation problem, naming the field
        Assert.Equal(System.Net.HttpStatusCode.OK, (await _api.GetAsync("/api/v1/nodes")).StatusCode);
    }

    [Fact]
    public async Task SessionAttach_WebSocketUpgradePassesThrough_BothWays()
    {
        var token = (await (await _api.PostAsJsonAsync("/api/v1/nodes", new { id = "nx" })).JsonAsync())["token"]!.GetValue<string>();
        var (node, _) = await TestNode.ConnectAsync(_nginx.GrpcAddress, "nx", token);
        await using var __ = node;
        var id = (await (await _api.PostAsJsonAsync("/api/v1/sessions", new { nodeId = "nx", command = "sh" })).JsonAsync())["id"]!.GetValue<string>();
        await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Dispatch, TimeSpan.FromSeconds(20));

        using var socket = await SessionSocket.ConnectAsync(_nginx.HttpAddress, $"/api/v1/sessions/{id}/attach", firstFrame: ApiFixture.AdminKey);
        Assert.Equal("attached", (await socket.ReadTextAsync())["type"]!.GetValue<string>());
        await socket.SendInputAsync("echo hi\r");
        Assert.Equal("echo hi\r", (await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Input, TimeSpan.FromSeconds(20))).Input.Data.ToStringUtf8());
        await node.SendOutputAsync(id, 1, "hi\r\n");
        Assert.Equal("hi\r\n", await socket.ReadOutputAsync(4));
    }
}
