using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace CortexHub.Testing;

/// <summary>
/// A throwaway PostgreSQL server from the Debian packages (<c>/usr/lib/postgresql/*/bin</c>):
/// initdb into a temp folder, start on a free loopback port, stop and start again (for outage
/// tests), delete on dispose. Run as root it uses the <c>postgres</c> account, as initdb demands.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _root;
    private readonly string _data;
    private readonly string _socket;
    private readonly bool _asPostgresUser;

    private PostgresServer(string bin, string root, int port, bool asPostgresUser)
    {
        _bin = bin;
        _root = root;
        _data = Path.Combine(root, "data");
        _socket = Path.Combine(root, "socket");
        Port = port;
        _asPostgresUser = asPostgresUser;
    }

    public int Port { get; }

    public bool IsRunning { get; private set; }

    /// <summary>Connection string for the superuser on database <c>postgres</c>.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=30;Command Timeout=30";

    /// <summary>Finds the PostgreSQL binaries or explains how to install them.</summary>
    public static string FindBinaries()
    {
        var root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            "PostgreSQL server binaries were not found under /usr/lib/postgresql/*/bin. Run ./test.sh (it installs them) or `apt-get install postgresql`, or set CORTEXHUB_TEST_PG to a server's connection string.");
    }

    /// <param name="settings">
    /// postgresql.conf lines written after the test defaults (so they override them), e.g. the
    /// settings a deploy configuration runs PostgreSQL with.
    /// </param>
    public static async Task<PostgresServer> StartAsync(IEnumerable<string>? settings = null, CancellationToken cancellationToken = default)
    {
        var bin = FindBinaries();
        var asPostgres = Environment.UserName == "root";
        var root = Path.Combine(Path.GetTempPath(), "cortexhub-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        var server = new PostgresServer(bin, root, FreePorts.Next(), asPostgres);
        Directory.CreateDirectory(server._socket);
        if (asPostgres)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", root], asPostgres: false, cancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
        }

        await server.RunToolAsync("initdb", ["-D", server._data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"], cancellationToken);
        await File.AppendAllTextAsync(Path.Combine(server._data, "postgresql.conf"),
            "\n# Throwaway server: no fsync (the OS does not crash in tests), but commits stay synchronous so a\n# killed server loses nothing acknowledged.\nfsync = off\nfull_page_writes = off\nmax_connections = 300\nshared_buffers = 128MB\n", cancellationToken);
        if (settings is not null)
        {
            await File.AppendAllLinesAsync(Path.Combine(server._data, "postgresql.conf"), settings, cancellationToken);
        }

        await server.StartAgainAsync(cancellationToken);
        return server;
    }

    /// <summary>(Re)starts a stopped server on the same port and data.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        await RunToolAsync("pg_ctl", ["-D", _data, "-w", "-t", "30", "-l", Path.Combine(_root, "server.log"),
            "-o", $"-p {Port} -k {_socket} -c listen_addresses=127.0.0.1", "start"], cancellationToken);
        IsRunning = true;
    }

    /// <summary>Stops the server (open connections are terminated at once), as in an outage.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await RunToolAsync("pg_ctl", ["-D", _data, "-w", "-m", "fast", "stop"], cancellationToken);
        IsRunning = false;
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Stops the server as a crash would (immediate mode: no checkpoint, recovery from the WAL at the next start).</summary>
    public async Task KillAsync(CancellationToken cancellationToken = default)
    {
        await RunToolAsync("pg_ctl", ["-D", _data, "-w", "-m", "immediate", "stop"], cancellationToken);
        IsRunning = false;
        NpgsqlConnection.ClearAllPools();
    }

    public async ValueTask DisposeAsync()
    {
        if (IsRunning)
        {
            await StopAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    private Task RunToolAsync(string tool, string[] args, CancellationToken cancellationToken) =>
        RunAsync(Path.Combine(_bin, tool), args, _asPostgresUser, cancellationToken);

    private static async Task RunAsync(string file, string[] args, bool asPostgres, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }
    }
}
