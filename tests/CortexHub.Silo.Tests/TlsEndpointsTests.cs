using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CortexHub.Protocol.V1;
using Grpc.Net.Client;

namespace CortexHub.Silo.Tests;

/// <summary>TLS on both ports from PFX files, as documented in the Hosting README.</summary>
public sealed class TlsEndpointsTests
{
    [Fact]
    public async Task BothPortsWithPfxCertificates_HttpsApiAndGrpcOverTls()
    {
        using var certificate = SelfSigned();
        var pfx = Path.Combine(Path.GetTempPath(), $"cortexhub-tls-{Guid.NewGuid():N}.pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "pw"));
        var options = new TestClusterOptions { Storage = await TestStorage.CreateAsync(StorageKind.Sqlite) };
        options.Configuration["CortexHub:Endpoints:HttpCertificatePath"] = pfx;
        options.Configuration["CortexHub:Endpoints:HttpCertificatePassword"] = "pw";
        options.Configuration["CortexHub:Endpoints:GrpcCertificatePath"] = pfx;
        options.Configuration["CortexHub:Endpoints:GrpcCertificatePassword"] = "pw";
        try
        {
            await using var cluster = await TestCluster.StartAsync(options);
            Assert.Equal("https", cluster[0].HttpAddress.Scheme);
            Assert.Equal("https", cluster[0].GrpcAddress.Scheme);

            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == certificate.Thumbprint };
            using var http = new HttpClient(handler) { BaseAddress = cluster[0].HttpAddress };
            Assert.Equal("ok", await http.GetStringAsync("/healthz"));

            var grpcHandler = new SocketsHttpHandler();
            grpcHandler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString();
            using var channel = GrpcChannel.ForAddress(cluster[0].GrpcAddress, new GrpcChannelOptions { HttpHandler = grpcHandler });
            var info = await new NodeLink.NodeLinkClient(channel).GetHubInfoAsync(new HubInfoRequest(), deadline: DateTime.UtcNow.AddSeconds(30));
            Assert.Equal("cortexhub.v1", info.Protocol);
        }
        finally
        {
            File.Delete(pfx);
        }
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }
}
