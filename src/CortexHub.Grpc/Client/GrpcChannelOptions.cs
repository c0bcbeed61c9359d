using System.Net.Http;
using System.Security.Cryptography.X509Certificates;

namespace CortexHub.Grpc;

/// <summary>Settings of a <see cref="GrpcChannel"/>, checked by <see cref="GrpcChannelOptionsValidator"/> when it is created.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>Default of both message size limits: 4 MiB.</summary>
    public const int DefaultMaxMessageSize = 4 * 1024 * 1024;

    /// <summary>Default <see cref="KeepAlivePingDelay"/>: 60 s.</summary>
    public static readonly TimeSpan DefaultKeepAlivePingDelay = TimeSpan.FromSeconds(60);

    /// <summary>Default <see cref="KeepAlivePingTimeout"/>: 20 s.</summary>
    public static readonly TimeSpan DefaultKeepAlivePingTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Largest response message accepted, in bytes; a larger one fails the call with RESOURCE_EXHAUSTED.
    /// Default <see cref="DefaultMaxMessageSize"/>.
    /// </summary>
    public int MaxReceiveMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>
    /// Largest request message sent, in bytes; a larger one fails the call with RESOURCE_EXHAUSTED without
    /// sending it. Default <see cref="DefaultMaxMessageSize"/>.
    /// </summary>
    public int MaxSendMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>
    /// Idle time after which an HTTP/2 connection with active calls is pinged; null turns pings off.
    /// Default <see cref="DefaultKeepAlivePingDelay"/>. (Servers built on gRPC C-core refuse pings more
    /// frequent than every 5 minutes on connections without data by default.)
    /// </summary>
    public TimeSpan? KeepAlivePingDelay { get; set; } = DefaultKeepAlivePingDelay;

    /// <summary>How long a ping may stay unanswered before the connection is closed. Default <see cref="DefaultKeepAlivePingTimeout"/>.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = DefaultKeepAlivePingTimeout;

    /// <summary>
    /// For https: a server certificate to accept even when it does not chain to a trusted root
    /// (pinning, for self-signed certificates). Compared by SHA-256 hash.
    /// </summary>
    public X509Certificate2? TrustedServerCertificate { get; set; }

    /// <summary>For https: accept any server certificate. For tests only.</summary>
    public bool DangerousAcceptAnyServerCertificate { get; set; }

    /// <summary>
    /// A handler to send requests with instead of the channel's own SocketsHttpHandler (for example an
    /// in-memory test server). The keep-alive and certificate settings above do not apply to it; it is
    /// not disposed with the channel.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Clock for deadlines. Default the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
