using System.Net;
using System.Net.Sockets;

namespace CortexHub.Testing;

/// <summary>
/// Ports for test processes to listen on, taken from below the kernel's ephemeral range. A port the OS
/// hands out for "bind to 0" or for an outgoing connection (Npgsql, Orleans, HTTP clients) comes from the
/// ephemeral range, so a port picked there can be taken again before the process under test binds it;
/// below that range only explicit binds compete. Each test process starts at a random point and walks
/// on, skipping ports something already listens on.
/// </summary>
public static class FreePorts
{
    private const int Lowest = 15000;
    private static readonly int Highest = EphemeralRangeStart() - 1;
    private static int _next = Random.Shared.Next(Lowest, Highest);

    public static int Next()
    {
        for (var attempt = 0; attempt < Highest - Lowest; attempt++)
        {
            var port = Lowest + (int)((uint)Interlocked.Increment(ref _next) % (uint)(Highest - Lowest + 1));
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No free TCP port between {Lowest} and {Highest}.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int EphemeralRangeStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0]) > Lowest + 1000 ? int.Parse(range[0]) : 32768;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32768;
        }
    }
}
