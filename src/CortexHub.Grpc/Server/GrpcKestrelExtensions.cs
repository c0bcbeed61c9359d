using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CortexHub.Grpc;

/// <summary>Configures Kestrel endpoints for gRPC.</summary>
public static class GrpcKestrelExtensions
{
    /// <summary>
    /// Listens on <paramref name="endPoint"/> for gRPC (port 0 picks a free port; read it from
    /// IServerAddressesFeature after start), and applies <see cref="UseGrpcLimits"/>.
    /// </summary>
    public static KestrelServerOptions ListenGrpc(
        this KestrelServerOptions kestrel,
        IPEndPoint endPoint,
        GrpcListenOptions? options = null,
        Action<ListenOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(endPoint);
        options ??= new GrpcListenOptions();
        kestrel.UseGrpcLimits(options);
        kestrel.Listen(endPoint, listen =>
        {
            listen.UseGrpc(options);
            configure?.Invoke(listen);
        });
        return kestrel;
    }

    /// <summary>
    /// Server-wide settings gRPC needs: HTTP/2 keep-alive pings from <paramref name="options"/>, and no
    /// minimum response data rate (a stream may be idle for as long as the call lives).
    /// </summary>
    public static KestrelServerOptions UseGrpcLimits(this KestrelServerOptions kestrel, GrpcListenOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        options ??= new GrpcListenOptions();
        kestrel.Limits.MinResponseDataRate = null;
        kestrel.Limits.Http2.KeepAlivePingDelay = options.KeepAlivePingDelay ?? TimeSpan.MaxValue;
        kestrel.Limits.Http2.KeepAlivePingTimeout = options.KeepAlivePingTimeout;
        return kestrel;
    }

    /// <summary>
    /// Makes one endpoint speak HTTP/2 only: cleartext (h2c with prior knowledge) without a certificate,
    /// TLS with ALPN h2 with one.
    /// </summary>
    public static ListenOptions UseGrpc(this ListenOptions listen, GrpcListenOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(listen);
        options ??= new GrpcListenOptions();
        listen.Protocols = HttpProtocols.Http2;
        var certificate = options.Certificate;
        if (certificate is null && !string.IsNullOrEmpty(options.CertificatePath))
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.CertificatePassword);
        }

        if (certificate is not null)
        {
            if (!certificate.HasPrivateKey)
            {
                throw new InvalidOperationException($"The gRPC server certificate '{certificate.Subject}' has no private key.");
            }

            // With Protocols = Http2 Kestrel offers only "h2" in ALPN.
            listen.UseHttps(certificate);
        }

        return listen;
    }
}
