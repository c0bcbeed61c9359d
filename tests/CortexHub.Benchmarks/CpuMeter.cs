using System.Diagnostics;
using System.Globalization;

namespace CortexHub.Benchmarks;

/// <summary>
/// CPU time spent between two points: this process's (client, gateway and silo run in it) and that
/// of the PostgreSQL backends serving this process's connections (read from /proc, so other
/// processes' work on a shared server is not counted; the server's shared WAL writer and checkpointer
/// are not counted either). On a shared machine throughput moves with the neighbours' load; CPU per
/// operation moves much less, so it is the figure to compare changes by.
/// </summary>
public sealed class CpuMeter
{
    private const double TicksPerSecond = 100; // USER_HZ: the unit of /proc/[pid]/stat times on Linux
    private readonly TimeSpan _process = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly Dictionary<int, double> _backends = OwnBackendTicks();

    /// <summary>CPU µs per operation of this process and of its PostgreSQL backends since this meter started.</summary>
    public Dictionary<string, double> PerOperation(long operations)
    {
        var process = (Process.GetCurrentProcess().TotalProcessorTime - _process).TotalMicroseconds;
        var backendTicks = OwnBackendTicks().Sum(b => b.Value - _backends.GetValueOrDefault(b.Key));
        var figures = new Dictionary<string, double> { ["process CPU µs/op"] = process / Math.Max(1, operations) };
        if (backendTicks > 0)
        {
            figures["PostgreSQL CPU µs/op"] = backendTicks / TicksPerSecond * 1e6 / Math.Max(1, operations);
        }

        return figures;
    }

    /// <summary>
    /// User + system ticks of each PostgreSQL backend connected to this process: its title names the
    /// client's address and port, "postgres: user db 127.0.0.1(port) …" (empty where /proc is unavailable).
    /// </summary>
    private static Dictionary<int, double> OwnBackendTicks()
    {
        var ticks = new Dictionary<int, double>();
        var ports = OwnTcpPorts();
        if (ports.Count == 0)
        {
            return ticks;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var title = File.ReadAllText(Path.Combine(dir, "cmdline"));
                var open = title.IndexOf("postgres: ", StringComparison.Ordinal) == 0 ? title.IndexOf('(') : -1;
                var close = open < 0 ? -1 : title.IndexOf(')', open);
                if (close < 0 || !int.TryParse(title.AsSpan(open + 1, close - open - 1), out var port) || !ports.Contains(port))
                {
                    continue;
                }

                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // after "(comm) ": utime and stime are fields 14 and 15
                ticks[pid] = double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                // The process ended meanwhile or is not ours to read: its time is not counted.
            }
        }

        return ticks;
    }

    /// <summary>Local ports of this process's TCP sockets (its file descriptors' inodes looked up in /proc/net/tcp).</summary>
    private static HashSet<int> OwnTcpPorts()
    {
        var ports = new HashSet<int>();
        if (!Directory.Exists("/proc/self/fd"))
        {
            return ports;
        }

        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    inodes.Add(target[8..^1]);
                }
            }
            catch (IOException)
            {
                // Closed meanwhile.
            }
        }

        foreach (var table in new[] { "/proc/self/net/tcp", "/proc/self/net/tcp6" })
        {
            foreach (var line in File.Exists(table) ? File.ReadLines(table).Skip(1) : [])
            {
                var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (columns.Length > 9 && inodes.Contains(columns[9]))
                {
                    ports.Add(int.Parse(columns[1][(columns[1].IndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                }
            }
        }

        return ports;
    }
}
