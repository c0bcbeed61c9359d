using System.Net.Http;
using Grpc.Net.Client;

namespace CortexHub.Agent.Connection;

/// <summary>
/// Builds the channel of one connection attempt: grpc-dotnet on a <see cref="SocketsHttpHandler"/> of its own,
/// so the attempt gets a new TCP connection (a load balancer can pick another silo) and disposing the channel
/// closes it.
/// </summary>
/// <remarks>
/// <c>http://</c> addresses speak cleartext HTTP/2 with prior knowledge (h2c), <c>https://</c> ones TLS with ALPN
/// h2 and the machine's trusted roots. HTTP/2 keep-alive pings run for as long as the connection is open: the
/// stream is always active, and a hub that vanished without closing the connection (a host power-off, a dropped
/// route) is noticed within <see cref="AgentOptions.KeepAlivePingDelay"/> +
/// <see cref="AgentOptions.KeepAlivePingTimeout"/>, not only when heartbeats fill the TCP send buffer.
/// </remarks>
internal static class HubChannelFactory
{
    /// <summary>Largest message sent or received, as standard gRPC clients limit it: 4 MiB.</summary>
    public const int MaxMessageSize = 4 * 1024 * 1024;

    /// <summary>Creates a channel to <paramref name="hub"/>; disposing it closes its connection.</summary>
    public static GrpcChannel Create(Uri hub, AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(options);
        var handler = new SocketsHttpHandler
        {
            KeepAlivePingDelay = options.KeepAlivePingDelay,
            KeepAlivePingTimeout = options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            // The connection lives as long as the stream; the pool must not retire it underneath.
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            // The hub is addressed directly: a proxy from the environment would not speak HTTP/2 to it.
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
        };

        return GrpcChannel.ForAddress(hub, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = MaxMessageSize,
            MaxSendMessageSize = MaxMessageSize,
        });
    }
}
