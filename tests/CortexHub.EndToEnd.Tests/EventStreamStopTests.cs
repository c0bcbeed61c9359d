using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace CortexHub.EndToEnd.Tests;

/// <summary>
/// Server-Sent Event streams and the silo's life, with a real silo process: SIGTERM ends open
/// streams and the silo exits at once, and a client that leaves a stream is normal, not an error.
/// </summary>
public sealed partial class EventStreamStopTests
{
    private const string AdminKey = "chk.admin.e2e.event-streams-secret";

    [Fact]
    public async Task Sigterm_EventStreamsAttached_SiloEndsThemAndExitsZeroWithinSeconds()
    {
        await using var silo = await StartSiloAsync();
        using var api = AdminClient(silo);
        var taskId = await DispatchToOfflineNodeAsync(api);
        using var taskEvents = await OpenStreamAsync(api, $"/api/v1/tasks/{taskId}/events");
        using var hubEvents = await OpenStreamAsync(api, "/api/v1/events");
        var taskEventsEnd = ReadToEndAsync(taskEvents);
        var hubEventsEnd = ReadToEndAsync(hubEvents);

        silo.Process.Terminate();
        var exit = await silo.Process.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.True(exit == 0, $"exit code {exit}:{Environment.NewLine}{silo.Process.Output}");
        await Task.WhenAll(taskEventsEnd, hubEventsEnd).WaitAsync(TimeSpan.FromSeconds(20));
        AssertNoLine(silo.Process, " fail: ");
    }

    [Fact]
    public async Task ClientLeavesEventStreams_NoErrorOrStackTraceLogged()
    {
        await using var silo = await StartSiloAsync();
        using var api = AdminClient(silo);
        var taskId = await DispatchToOfflineNodeAsync(api);
        var hubEvents = await OpenStreamAsync(api, "/api/v1/events");
        var taskEvents = await OpenStreamAsync(api, $"/api/v1/tasks/{taskId}/events");
        // Both streams idle, waiting for their next item, as a dashboard left open is.
        await Task.WhenAll(ReadUntilAsync(hubEvents, ": keep-alive"), ReadUntilAsync(taskEvents, ": keep-alive"));

        hubEvents.Dispose();
        taskEvents.Dispose();
        await TestCluster.WaitUntilAsync(async () => await ActiveGetRequestsAsync(api) == 1, TimeSpan.FromSeconds(60),
            "the silo sees both clients gone (only the metrics scrape is active)");
        silo.Process.Terminate();
        await silo.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        AssertNoLine(silo.Process, " fail: ", "Exception");
    }

    private static void AssertNoLine(SiloProcess silo, params string[] texts)
    {
        var found = silo.Output.Split('\n').Where(line => texts.Any(text => line.Contains(text, StringComparison.Ordinal))).ToList();
        Assert.True(found.Count == 0, $"The silo logged:{Environment.NewLine}{string.Join(Environment.NewLine, found)}");
    }

    private static async Task<string> DispatchToOfflineNodeAsync(HttpClient api)
    {
        (await api.PostAsJsonAsync("/api/v1/nodes", new { id = "away" })).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync("/api/v1/tasks", new { id = "waiting", nodeId = "away", command = "echo never runs" })).EnsureSuccessStatusCode();
        return "waiting";
    }

    private static async Task<HttpResponseMessage> OpenStreamAsync(HttpClient api, string path)
    {
        var response = await api.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return response;
    }

    private static async Task ReadToEndAsync(HttpResponseMessage stream)
    {
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        await reader.ReadToEndAsync();
    }

    private static async Task ReadUntilAsync(HttpResponseMessage stream, string prefix)
    {
        var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await reader.ReadLineAsync(deadline.Token) is { } line && !line.StartsWith(prefix, StringComparison.Ordinal))
        {
        }
    }

    /// <summary>ASP.NET Core's own count of GET requests in progress, from the silo's Prometheus metrics (the scrape counts itself).</summary>
    private static async Task<long> ActiveGetRequestsAsync(HttpClient api)
    {
        var metrics = await api.GetStringAsync("/metrics");
        var match = ActiveGetRequests().Match(metrics);
        return match.Success ? long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    private static async Task<StartedSilo> StartSiloAsync()
    {
        var data = Directory.CreateTempSubdirectory("cortexhub-sse-").FullName;
        var http = FreePorts.Next();
        var silo = SiloProcess.Start(data, new Dictionary<string, string?>
        {
            ["CortexHub__Storage__Sqlite__DataDirectory"] = data,
            ["CortexHub__Api__AdminKey"] = AdminKey,
        }, "--CortexHub:Endpoints:BindAddress=127.0.0.1", $"--CortexHub:Endpoints:HttpPort={http}", $"--CortexHub:Endpoints:GrpcPort={FreePorts.Next()}");
        try
        {
            await silo.WaitForOutputAsync("Application started", TimeSpan.FromMinutes(3));
            return new StartedSilo(silo, http, data);
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    private static HttpClient AdminClient(StartedSilo silo)
    {
        var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}"), Timeout = TimeSpan.FromMinutes(2) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return api;
    }

    [GeneratedRegex(@"^http_server_active_requests\{[^}]*http_request_method=""GET""[^}]*\}\s+(\d+)", RegexOptions.Multiline)]
    private static partial Regex ActiveGetRequests();

    private sealed record StartedSilo(SiloProcess Process, int HttpPort, string DataDirectory) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Process.DisposeAsync();
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
