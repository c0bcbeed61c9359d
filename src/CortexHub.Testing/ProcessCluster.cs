using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using CortexHub.Protocol.V1;

namespace CortexHub.Testing;

/// <summary>
/// A cluster of real <c>cortexhub-silo</c> processes on one PostgreSQL schema, optionally behind
/// nginx configured from <c>deploy/</c>: what <c>deploy/local-cluster.sh</c> runs, with handles for
/// faults. Each silo keeps its ports across restarts; <see cref="Kill"/> is SIGKILL,
/// <see cref="StopAsync"/> is SIGTERM (graceful drain). Every silo knows the same admin key, so
/// <see cref="Api"/> reaches the HTTP API of any silo (or of the balancer).
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    private readonly ProcessClusterOptions _options;
    private readonly string _workDirectory;
    private readonly SiloProcess?[] _processes;
    private readonly List<string> _pastOutput = [];

    private ProcessCluster(ProcessClusterOptions options, string workDirectory, IReadOnlyList<(int HttpPort, int GrpcPort)> ports)
    {
        _options = options;
        _workDirectory = workDirectory;
        Ports = ports;
        _processes = new SiloProcess?[ports.Count];
        AdminKey = "chk.admin.e2e." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    }

    public IReadOnlyList<(int HttpPort, int GrpcPort)> Ports { get; }

    public NginxProcess? Nginx { get; private set; }

    public string AdminKey { get; }

    public int Count => Ports.Count;

    /// <summary>Where nodes connect: the balancer, or the first silo without one.</summary>
    public Uri GrpcAddress => Nginx?.GrpcAddress ?? SiloGrpcAddress(0);

    /// <summary>Where API clients go: the balancer, or the first silo without one.</summary>
    public Uri HttpAddress => Nginx?.HttpAddress ?? SiloHttpAddress(0);

    public Uri SiloHttpAddress(int silo) => new($"http://127.0.0.1:{Ports[silo].HttpPort}");

    public Uri SiloGrpcAddress(int silo) => new($"http://127.0.0.1:{Ports[silo].GrpcPort}");

    public bool IsRunning(int silo) => _processes[silo] is { HasExited: false };

    /// <summary>Everything the silos printed so far, current and past processes (for failure messages).</summary>
    public string Output => string.Join(Environment.NewLine, _pastOutput.Concat(_processes.Where(p => p is not null).Select((p, i) => $"--- silo {i} ---{Environment.NewLine}{p!.Output}")));

    /// <summary>What the current (or last) process of one silo printed.</summary>
    public string SiloOutput(int silo) => _processes[silo]?.Output ?? "";

    public static async Task<ProcessCluster> StartAsync(ProcessClusterOptions options)
    {
        var ports = Enumerable.Range(0, options.Silos).Select(_ => (FreePorts.Next(), FreePorts.Next())).ToList();
        var cluster = new ProcessCluster(options, Directory.CreateTempSubdirectory("cortexhub-cluster-").FullName, ports);
        try
        {
            if (options.Nginx)
            {
                // First, so the silos hand out its address in provisioning scripts.
                cluster.Nginx = await NginxProcess.StartAsync(ports);
            }

            // The first silo creates the schema and the admin user; the others then start together.
            await cluster.StartAsync(0);
            await Task.WhenAll(Enumerable.Range(1, options.Silos - 1).Select(cluster.StartAsync));

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts silo <paramref name="silo"/> (again) on its ports and waits until /readyz says ready.</summary>
    public async Task StartAsync(int silo)
    {
        if (IsRunning(silo))
        {
            throw new InvalidOperationException($"Silo {silo} is running.");
        }

        if (_processes[silo] is { } old)
        {
            _pastOutput.Add($"--- silo {silo} (earlier process {old.ProcessId}) ---{Environment.NewLine}{old.Output}");
            await old.DisposeAsync();
        }

        var environment = new Dictionary<string, string?>
        {
            ["CortexHub__Storage__Provider"] = "postgres",
            ["CortexHub__Storage__Postgres__ConnectionString"] = _options.ConnectionString,
            ["CortexHub__Storage__Postgres__Schema"] = _options.Schema,
            ["CortexHub__Orleans__AdvertisedAddress"] = "127.0.0.1",
            ["CortexHub__Api__AdminKey"] = AdminKey,
            ["CortexHub__Api__PublicGrpcAddress"] = Nginx?.GrpcAddress.ToString() ?? SiloGrpcAddress(0).ToString(),
            ["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };
        foreach (var (key, value) in _options.Environment)
        {
            environment[key] = value;
        }

        var (http, grpc) = Ports[silo];
        var process = SiloProcess.Start(_workDirectory, environment,
            "--CortexHub:Endpoints:BindAddress=127.0.0.1", $"--CortexHub:Endpoints:HttpPort={http}", $"--CortexHub:Endpoints:GrpcPort={grpc}");
        _processes[silo] = process;
        // Generous: a silo joining an Orleans cluster on a starved 2-core machine can take a minute.
        await WaitReadyAsync(silo, process, TimeSpan.FromSeconds(180));
    }

    /// <summary>SIGKILL: the silo process dies at once.</summary>
    public void Kill(int silo)
    {
        var process = _processes[silo] ?? throw new InvalidOperationException($"Silo {silo} was never started.");
        process.KillHard();
    }

    /// <summary>SIGTERM and wait for the graceful drain to finish; returns the exit code.</summary>
    public async Task<int> StopAsync(int silo, TimeSpan? timeout = null)
    {
        var process = _processes[silo] ?? throw new InvalidOperationException($"Silo {silo} was never started.");
        process.Terminate();
        return await process.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(60));
    }

    public async Task<int> WaitForExitAsync(int silo, TimeSpan timeout) =>
        await (_processes[silo] ?? throw new InvalidOperationException($"Silo {silo} was never started.")).WaitForExitAsync(timeout);

    /// <summary>An HTTP client for the API as admin: of one silo, or of the balancer when <paramref name="silo"/> is null.</summary>
    public HttpClient Api(int? silo = null)
    {
        var client = new HttpClient { BaseAddress = silo is { } i ? SiloHttpAddress(i) : HttpAddress, Timeout = TimeSpan.FromSeconds(100) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }

    /// <summary>The silo's id, asked over its own gRPC port (GetHubInfo).</summary>
    public async Task<string> SiloIdAsync(int silo)
    {
        using var channel = TestNode.CreateChannel(SiloGrpcAddress(silo));
        var info = await new NodeLink.NodeLinkClient(channel).GetHubInfoAsync(new HubInfoRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
        return info.SiloId;
    }

    /// <summary>Provisions a node through the API and returns its one-time token.</summary>
    public async Task<string> ProvisionAsync(HttpClient api, string nodeId, IReadOnlyDictionary<string, string>? labels = null)
    {
        using var response = await api.PostAsJsonAsync("/api/v1/nodes", new { id = nodeId, labels });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Provisioning {nodeId} answered {(int)response.StatusCode}: {body}");
        }

        using var json = System.Text.Json.JsonDocument.Parse(body);
        return json.RootElement.GetProperty("token").GetString()!;
    }

    private async Task WaitReadyAsync(int silo, SiloProcess process, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = SiloHttpAddress(silo), Timeout = TimeSpan.FromSeconds(5) };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Silo {silo} exited with {process.ExitCode} while starting:{Environment.NewLine}{process.Output}");
            }

            try
            {
                using var response = await http.GetAsync("/readyz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Silo {silo} was not ready within {timeout}:{Environment.NewLine}{process.Output}");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Nginx is not null)
        {
            await Nginx.DisposeAsync();
        }

        await Task.WhenAll(_processes.OfType<SiloProcess>().Select(process => process.StopAsync(TimeSpan.FromSeconds(30)).AsTask()));

        try
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left behind in the temp folder.
        }
    }
}

/// <summary>Shape of a <see cref="ProcessCluster"/>.</summary>
public sealed class ProcessClusterOptions
{
    public required string ConnectionString { get; init; }

    public required string Schema { get; init; }

    public int Silos { get; init; } = 3;

    /// <summary>Put nginx (deploy/nginx/cortexhub.conf) in front of the silos.</summary>
    public bool Nginx { get; init; } = true;

    /// <summary>
    /// Failure detection sized for tests and fault benchmarks (on top of the silo's fast membership
    /// defaults): node streams idle out after 6 s, orphaned pool claims return after 5 s, retries after 50 ms.
    /// </summary>
    public static Dictionary<string, string?> FastFailover() => new()
    {
        ["CortexHub__Gateway__NodeHeartbeatInterval"] = "00:00:02",
        ["CortexHub__Pool__RetryBaseDelay"] = "00:00:00.050",
        ["CortexHub__Pool__OrphanGrace"] = "00:00:05",
    };

    /// <summary>Extra environment for every silo (configuration keys as <c>CortexHub__Section__Key</c>).</summary>
    public Dictionary<string, string?> Environment { get; init; } = [];
}
