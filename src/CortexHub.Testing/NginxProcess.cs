using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace CortexHub.Testing;

/// <summary>
/// Debian's nginx in front of silos, configured from the shipped <c>deploy/nginx/cortexhub.conf</c>
/// the way <c>deploy/local-cluster.sh</c> does it: each upstream's <c>server</c> lines become one
/// line per silo (keeping the template's parameters) and both listeners bind to free loopback
/// ports. Runs in the foreground as a child process; stopped (fast shutdown) on dispose.
/// </summary>
public sealed partial class NginxProcess : IAsyncDisposable
{
    private readonly string _root;
    private readonly CapturedProcess _process;

    private NginxProcess(string root, int httpPort, int grpcPort, CapturedProcess process)
    {
        _root = root;
        HttpPort = httpPort;
        GrpcPort = grpcPort;
        _process = process;
    }

    public int HttpPort { get; }

    public int GrpcPort { get; }

    public Uri HttpAddress => new($"http://127.0.0.1:{HttpPort}");

    public Uri GrpcAddress => new($"http://127.0.0.1:{GrpcPort}");

    /// <summary>nginx's error log (connection failures to upstreams land here).</summary>
    public string ErrorLog => File.Exists(Path.Combine(_root, "error.log")) ? File.ReadAllText(Path.Combine(_root, "error.log")) : "";

    public static string FindBinary() =>
        new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("nginx was not found. Run ./test.sh (it installs it) or `apt-get install nginx`.");

    /// <summary>Starts nginx balancing over the silos' (HTTP, gRPC) loopback ports and waits until it accepts connections.</summary>
    public static async Task<NginxProcess> StartAsync(IReadOnlyList<(int HttpPort, int GrpcPort)> silos, int workerConnections = 4096)
    {
        var binary = FindBinary();
        var root = Directory.CreateTempSubdirectory("cortexhub-nginx-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "tmp"));
        if (!OperatingSystem.IsWindows())
        {
            // As root, nginx's workers run as nobody: they must reach the temp folders below root.
            File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
            File.SetUnixFileMode(Path.Combine(root, "tmp"), (UnixFileMode)0b111_111_111);
        }
        var (http, grpc) = (FreePorts.Next(), FreePorts.Next());
        var template = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "deploy", "nginx", "cortexhub.conf"));
        await File.WriteAllTextAsync(Path.Combine(root, "cortexhub.conf"), Configure(template, silos, http, grpc));
        await File.WriteAllTextAsync(Path.Combine(root, "nginx.conf"), $$"""
            worker_processes 1;
            pid {{root}}/nginx.pid;
            error_log {{root}}/error.log notice;
            events { worker_connections {{workerConnections}}; }
            worker_rlimit_nofile {{workerConnections * 2 + 64}};
            http {
                access_log off;
                client_body_temp_path {{root}}/tmp/client_body;
                proxy_temp_path {{root}}/tmp/proxy;
                fastcgi_temp_path {{root}}/tmp/fastcgi;
                uwsgi_temp_path {{root}}/tmp/uwsgi;
                scgi_temp_path {{root}}/tmp/scgi;
                include {{root}}/cortexhub.conf;
            }
            """);

        var start = new ProcessStartInfo(binary);
        foreach (var arg in new[] { "-p", root + "/", "-e", Path.Combine(root, "error.log"), "-c", Path.Combine(root, "nginx.conf"), "-g", "daemon off;" })
        {
            start.ArgumentList.Add(arg);
        }

        var nginx = new NginxProcess(root, http, grpc, new CapturedProcess(start));
        await nginx.WaitListeningAsync(TimeSpan.FromSeconds(15));
        return nginx;
    }

    /// <summary>The template with its upstream servers and listeners replaced (fails if its shape changed).</summary>
    public static string Configure(string template, IReadOnlyList<(int HttpPort, int GrpcPort)> silos, int httpPort, int grpcPort)
    {
        var output = new StringBuilder();
        string? upstream = null;
        var replaced = new HashSet<string>();
        var listens = 0;
        foreach (var line in template.Split('\n'))
        {
            if (UpstreamStart().Match(line) is { Success: true } start)
            {
                upstream = start.Groups[1].Value;
            }
            else if (upstream is not null && line.StartsWith('}'))
            {
                upstream = null;
            }
            else if (upstream is not null && ServerLine().Match(line) is { Success: true } server)
            {
                if (replaced.Add(upstream))
                {
                    foreach (var silo in silos)
                    {
                        output.Append(FormattableString.Invariant($"    server 127.0.0.1:{(upstream == "grpc" ? silo.GrpcPort : silo.HttpPort)}{server.Groups[1].Value}\n"));
                    }
                }

                continue;
            }

            var rewritten = ListenLine().Replace(line, m =>
            {
                listens++;
                return m.Groups[1].Value + "127.0.0.1:" + (m.Groups[2].Value == "8080" ? httpPort : grpcPort) + m.Groups[3].Value;
            });
            output.Append(rewritten).Append('\n');
        }

        if (!replaced.SetEquals(["grpc", "http"]) || listens != 2)
        {
            throw new InvalidOperationException("deploy/nginx/cortexhub.conf no longer has the expected shape (upstreams cortexhub_grpc/cortexhub_http with server lines, listen 8080 and 8081).");
        }

        return output.ToString();
    }

    private async Task WaitListeningAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.Process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited with {_process.Process.ExitCode}: {_process.Output}{ErrorLog}");
            }

            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync("127.0.0.1", GrpcPort);
                using var other = new System.Net.Sockets.TcpClient();
                await other.ConnectAsync("127.0.0.1", HttpPort);
                return;
            }
            catch (System.Net.Sockets.SocketException) when (clock.Elapsed < timeout)
            {
                await Task.Delay(50);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync(); // kills the master and its workers (the whole process tree)
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A worker may still be closing its log; the temp folder is left behind.
        }
    }

    [GeneratedRegex(@"^upstream\s+cortexhub_(grpc|http)\s*\{")]
    private static partial Regex UpstreamStart();

    [GeneratedRegex(@"^\s*server\s+[^\s;]+(.*)$")]
    private static partial Regex ServerLine();

    [GeneratedRegex(@"^(\s*listen\s+)(8080|8081)([\s;].*)$")]
    private static partial Regex ListenLine();
}
