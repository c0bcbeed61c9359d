using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace CortexHub.Api.Tests;

/// <summary>
/// Requests Kestrel refuses while parsing them, straight to a silo (no front): the answer Kestrel
/// writes on its own carries a problem document with an error id, like every other error; the
/// answers before it on the same connection are untouched.
/// </summary>
public sealed class RefusedRequestTests(RefusedRequestTests.Hub hub) : IClassFixture<RefusedRequestTests.Hub>
{
    [Theory]
    [InlineData("/api/v1/tasks/a%00b", null, 400)]
    [InlineData("/api/v1/tasks/{long}", null, 414)]
    [InlineData("/api/v1/nodes", "X-Big", 431)]
    public async Task RefusedBeforeTheApplication_IsAProblemWithAnErrorId(string path, string? bigHeader, int status)
    {
        using var client = hub.Cluster.Client(ApiFixture.AdminKey);
        using var request = new HttpRequestMessage(HttpMethod.Get, path.Replace("{long}", new string('a', 20_000), StringComparison.Ordinal));
        if (bigHeader is not null)
        {
            request.Headers.Add(bigHeader, new string('h', 40_000));
        }

        var response = await client.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{(int)response.StatusCode} {response.Content.Headers.ContentType}: '{body}'");
        var problem = await response.AssertProblemAsync(status);
        Assert.StartsWith("Refused while reading it, before it reached CortexHub", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedHeaderAfterAGoodRequestOnOneConnection_TheFirstAnswerIsIntact_TheRefusalAProblem()
    {
        var address = hub.Cluster[0].HttpAddress;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        var good = $"GET /api/v1/nodes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ApiFixture.AdminKey}\r\n\r\n";
        const string bad = "GET /api/v1/nodes HTTP/1.1\r\nHost: x\r\nNo colon in this header\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(good + bad));

        // Kestrel closes the connection after a refusal, so everything it answered ends there.
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var answers = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var second = answers.IndexOf("HTTP/1.1 400", StringComparison.Ordinal);
        Assert.True(answers.StartsWith("HTTP/1.1 200 OK\r\n", StringComparison.Ordinal) && second > 0, answers);
        var first = answers[..second];
        Assert.Contains("application/json", first, StringComparison.Ordinal);
        Assert.EndsWith("]\r\n0\r\n\r\n", first, StringComparison.Ordinal); // the node list, whole, to its last chunk

        var refusal = answers[second..];
        var headEnd = refusal.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = refusal[..headEnd];
        var problem = JsonNode.Parse(refusal[(headEnd + 4)..])!.AsObject();
        Assert.Contains("Content-Type: application/problem+json", head, StringComparison.Ordinal);
        Assert.Contains($"Content-Length: {Encoding.UTF8.GetByteCount(refusal[(headEnd + 4)..])}", head, StringComparison.Ordinal);
        Assert.Contains("Connection: close", head, StringComparison.Ordinal);
        Assert.Equal(400, problem["status"]!.GetValue<int>());
        Assert.Matches("^[0-9a-f]{12}$", problem["errorId"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheSilosOwnProblemsAndAnswers_AreUnchanged()
    {
        using var client = hub.Cluster.Client(ApiFixture.AdminKey);

        await (await client.GetAsync("/api/v1/tasks/t-none")).AssertProblemAsync(404);
        var nodes = await client.GetAsync("/api/v1/nodes");
        Assert.Equal(System.Net.HttpStatusCode.OK, nodes.StatusCode);
        Assert.Equal("application/json", nodes.Content.Headers.ContentType?.MediaType);
    }

    public sealed class Hub : IAsyncLifetime
    {
        public TestCluster Cluster { get; private set; } = null!;

        public async Task InitializeAsync() => Cluster = await ApiFixture.StartAsync();

        public async Task DisposeAsync() => await Cluster.DisposeAsync();
    }
}
