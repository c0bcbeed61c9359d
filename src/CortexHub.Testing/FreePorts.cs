using System.Net;
using System.Net.Sockets;

namespace CortexHub.Testing;

/// <summary>Loopback ports nobody listens on right now (the OS picks; a race with other processes is possible but rare).</summary>
public static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
