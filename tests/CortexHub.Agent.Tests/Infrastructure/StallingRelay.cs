using System.Net;
using System.Net.Sockets;

namespace CortexHub.Agent.Tests.Infrastructure;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of another address whose open connections can go silent: after
/// <see cref="StallOpenConnections"/> they stay open and keep accepting bytes, but nothing reaches the other side
/// any more — a hub host that lost power or a dropped route (no FIN, no RST). Later connections are relayed normally.
/// </summary>
public sealed class StallingRelay : IAsyncDisposable
{
    private const int BufferSize = 16 * 1024;

    private readonly Socket _listener;
    private readonly EndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<RelayedConnection> _connections = [];
    private readonly Task _accepting;

    private StallingRelay(Socket listener, EndPoint target)
    {
        _listener = listener;
        _target = target;
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}");
        _accepting = AcceptLoopAsync();
    }

    /// <summary>The relay's address, with the http scheme.</summary>
    public Uri Address { get; }

    /// <summary>Starts relaying to <paramref name="target"/> (host and port of an http:// address).</summary>
    public static StallingRelay Start(Uri target)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        return new StallingRelay(listener, new DnsEndPoint(target.Host, target.Port));
    }

    /// <summary>Every connection open now stops delivering bytes in both directions, without closing.</summary>
    public void StallOpenConnections()
    {
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Stalled = true;
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        var pumps = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptAsync(_stop.Token);
                var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await upstream.ConnectAsync(_target, _stop.Token);
                }
                catch (SocketException)
                {
                    // The target is down: the client sees its connection closed, as it would without the relay.
                    client.Dispose();
                    upstream.Dispose();
                    continue;
                }

                var connection = new RelayedConnection(client, upstream);
                lock (_connections)
                {
                    _connections.Add(connection);
                }

                pumps.Add(PumpAsync(connection, client, upstream));
                pumps.Add(PumpAsync(connection, upstream, client));
            }
        }
        catch (Exception ex) when (_stop.IsCancellationRequested && ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Disposed.
        }
        finally
        {
            lock (_connections)
            {
                foreach (var connection in _connections)
                {
                    connection.Client.Dispose();
                    connection.Upstream.Dispose();
                }
            }

            await Task.WhenAll(pumps);
        }
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/> until either side closes; a stalled connection's bytes are dropped.</summary>
    private async Task PumpAsync(RelayedConnection connection, Socket from, Socket to)
    {
        var buffer = new byte[BufferSize];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                if (!connection.Stalled)
                {
                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // One side closed or the relay is disposed: the connection is over.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting;
        _stop.Dispose();
    }

    private sealed class RelayedConnection(Socket client, Socket upstream)
    {
        public Socket Client { get; } = client;

        public Socket Upstream { get; } = upstream;

        public volatile bool Stalled;
    }
}
