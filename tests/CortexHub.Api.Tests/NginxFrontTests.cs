using System.Net.Http.Json;

namespace CortexHub.Api.Tests;

/// <summary>
/// Requests that Kestrel (or nginx itself) refuses while parsing the request line never reach the
/// application, so no middleware can answer them; the shipped nginx front (deploy/nginx/cortexhub.conf)
/// answers them as problems with an error id. Real nginx in front of a real silo.
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
}
