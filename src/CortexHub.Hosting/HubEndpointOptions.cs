namespace CortexHub.Hosting;

/// <summary>
/// The silo's two listening ports: HTTP (API, dashboard, health) and gRPC (node streams).
/// Bound from <c>CortexHub:Endpoints</c>. Port 0 picks a free port (tests).
/// </summary>
public sealed class HubEndpointOptions
{
    public const string SectionName = "CortexHub:Endpoints";
    public const string DefaultBindAddress = "0.0.0.0";
    public const int DefaultHttpPort = 5080;
    public const int DefaultGrpcPort = 5081;

    /// <summary>Address both ports bind to. Default 0.0.0.0 (all IPv4 interfaces).</summary>
    public string BindAddress { get; set; } = DefaultBindAddress;

    /// <summary>HTTP/1.1 + HTTP/2 port. Default 5080.</summary>
    public int HttpPort { get; set; } = DefaultHttpPort;

    /// <summary>gRPC (HTTP/2 only) port for nodes. Default 5081.</summary>
    public int GrpcPort { get; set; } = DefaultGrpcPort;

    /// <summary>PFX certificate for TLS on the HTTP port; empty = plain HTTP.</summary>
    public string? HttpCertificatePath { get; set; }

    public string? HttpCertificatePassword { get; set; }

    /// <summary>PFX certificate for TLS (ALPN h2) on the gRPC port; empty = h2c.</summary>
    public string? GrpcCertificatePath { get; set; }

    public string? GrpcCertificatePassword { get; set; }

    /// <summary>HTTP/2 keepalive ping interval on the gRPC port (detects dead peers). Default 30 seconds.</summary>
    public TimeSpan GrpcKeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a keepalive ping may go unanswered before the connection is closed. Default 20 seconds.</summary>
    public TimeSpan GrpcKeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);
}
