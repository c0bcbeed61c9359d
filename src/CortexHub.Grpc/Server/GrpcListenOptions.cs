using System.Security.Cryptography.X509Certificates;

namespace CortexHub.Grpc;

/// <summary>
/// How a Kestrel endpoint serves gRPC: cleartext HTTP/2 (h2c, prior knowledge) when no certificate is
/// given, otherwise TLS with ALPN <c>h2</c>; plus HTTP/2 keep-alive pings.
/// </summary>
public sealed class GrpcListenOptions
{
    /// <summary>Default <see cref="KeepAlivePingDelay"/>: 60 s.</summary>
    public static readonly TimeSpan DefaultKeepAlivePingDelay = TimeSpan.FromSeconds(60);

    /// <summary>Default <see cref="KeepAlivePingTimeout"/>: 20 s.</summary>
    public static readonly TimeSpan DefaultKeepAlivePingTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Server certificate (with private key) for TLS. Takes precedence over <see cref="CertificatePath"/>.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>Path of a PKCS#12 (.pfx) file holding the server certificate and key, for TLS.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Password of <see cref="CertificatePath"/>; never logged.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Idle time after which the server pings a connection to check it is alive; null or
    /// <see cref="TimeSpan.MaxValue"/> turns pings off. Applies to all of the server's HTTP/2
    /// connections (a Kestrel-wide limit). Default <see cref="DefaultKeepAlivePingDelay"/>.
    /// </summary>
    public TimeSpan? KeepAlivePingDelay { get; set; } = DefaultKeepAlivePingDelay;

    /// <summary>How long to wait for a ping's answer before closing the connection. Default <see cref="DefaultKeepAlivePingTimeout"/>.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = DefaultKeepAlivePingTimeout;

    /// <summary>True when TLS is configured.</summary>
    public bool UsesTls => Certificate is not null || !string.IsNullOrEmpty(CertificatePath);
}
