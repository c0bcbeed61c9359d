using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CortexHub.Hosting;

/// <summary>The addresses the silo actually listens on (after binding, so port 0 resolves to the real port).</summary>
public sealed class SiloEndpoints : CortexHub.Api.IHubAddresses
{
    internal ListenOptions? Http { get; set; }

    internal ListenOptions? Grpc { get; set; }

    internal bool HttpTls { get; set; }

    internal bool GrpcTls { get; set; }

    public Uri HttpAddress => Address(Http, HttpTls);

    public Uri GrpcAddress => Address(Grpc, GrpcTls);

    /// <summary>True when <paramref name="localPort"/>, a connection's local port, is the gRPC port.</summary>
    internal bool IsGrpcPort(int localPort) => Grpc?.IPEndPoint?.Port == localPort;

    private static Uri Address(ListenOptions? listen, bool tls)
    {
        var endpoint = listen?.IPEndPoint ?? throw new InvalidOperationException("The silo has not bound its ports yet.");
        var host = endpoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback : endpoint.Address;
        return new Uri($"{(tls ? "https" : "http")}://{host}:{endpoint.Port}");
    }
}
