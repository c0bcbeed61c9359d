using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;

namespace CortexHub.NodeLink.Tests.Infrastructure;

/// <summary>
/// A real <c>cortexhub-silo</c> process on its own SQLite store, so its resident memory is the
/// silo's alone. Nodes and tasks are made through its HTTP API as an admin.
/// </summary>
public sealed class SiloProcessHost : ISiloUnderTest, IAsyncDisposable
{
    private readonly TestStorage _storage;
    private readonly SiloProcess _process;
    private readonly HttpClient _api;

    private SiloProcessHost(TestStorage storage, SiloProcess process, HttpClient api, Uri grpcAddress)
    {
        _storage = storage;
        _process = process;
        _api = api;
        GrpcAddress = grpcAddress;
    }

    public Uri GrpcAddress { get; }

    public int ProcessId => _process.ProcessId;

    /// <summary>What the silo printed, for failure messages.</summary>
    public string Output => _process.Output;

    /// <param name="helloTimeout">How long a stream may stay silent before Hello.</param>
    public static async Task<SiloProcessHost> StartAsync(TimeSpan helloTimeout)
    {
        var storage = await TestStorage.CreateAsync(StorageKind.Sqlite);
        var adminKey = "chk.admin.nodelink." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var (httpPort, grpcPort) = (FreePorts.Next(), FreePorts.Next());
        var environment = storage.Configuration().ToDictionary(kv => kv.Key.Replace(":", "__", StringComparison.Ordinal), kv => kv.Value);
        environment["CortexHub__Api__AdminKey"] = adminKey;
        environment["Logging__LogLevel__Default"] = "Warning";
        environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        var process = SiloProcess.Start(storage.DataDirectory!, environment,
            "--CortexHub:Endpoints:BindAddress=127.0.0.1", $"--CortexHub:Endpoints:HttpPort={httpPort}", $"--CortexHub:Endpoints:GrpcPort={grpcPort}",
            $"--CortexHub:Gateway:HelloTimeout={helloTimeout:c}");
        var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = Deadlines.Call };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        var host = new SiloProcessHost(storage, process, api, new Uri($"http://127.0.0.1:{grpcPort}"));
        try
        {
            // Generous: a silo starting beside other builds on 2 cores can take a minute.
            await TestCluster.WaitUntilAsync(host.IsReadyAsync, TimeSpan.FromMinutes(3), "the silo process answers /readyz");
            return host;
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            var output = process.Output;
            await host.DisposeAsync();
            throw new InvalidOperationException($"The silo process did not become ready:{Environment.NewLine}{output}", ex);
        }
    }

    public async Task<string> ProvisionAsync(string nodeId)
    {
        using var response = await _api.PostAsJsonAsync("/api/v1/nodes", new { id = nodeId });
        await EnsureSuccessAsync(response);
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("token").GetString()!;
    }

    public async Task DispatchAsync(string taskId, string nodeId)
    {
        using var response = await _api.PostAsJsonAsync("/api/v1/tasks", new { id = taskId, nodeId, command = "true" });
        await EnsureSuccessAsync(response);
    }

    private async Task<bool> IsReadyAsync()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"The silo process exited with {_process.ExitCode}.");
        }

        try
        {
            using var response = await _api.GetAsync("/readyz");
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false; // not listening yet
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _api.Dispose();
        await _process.StopAsync(TimeSpan.FromSeconds(30));
        _storage.Dispose();
    }
}
