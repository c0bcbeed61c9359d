using System.Security.Cryptography.X509Certificates;
using CortexHub.Grpc.Tests.Infrastructure;
using CortexHub.Grpc.Tests.Protos;
using Xunit;

namespace CortexHub.Grpc.Tests;

/// <summary>gRPC over TLS with ALPN h2, with a certificate made by the test.</summary>
public sealed class TlsTests
{
    private static readonly GrpcCallOptions TenSeconds = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Tls_PinnedSelfSignedCertificate_UnaryAndDuplexSucceed()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await GrpcTestServer.StartAsync(listen: new GrpcListenOptions { Certificate = certificate });
        using var channel = server.CreateChannel(new GrpcChannelOptions { TrustedServerCertificate = certificate });

        var reply = await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "over tls" }, TenSeconds);
        using var duplex = channel.AsyncDuplexStreamingCall(EchoMethods.Duplex, TenSeconds);
        await duplex.RequestStream.WriteAsync(new EchoRequest { Text = "d1" });
        await duplex.RequestStream.CompleteAsync();
        var texts = new List<string>();
        await foreach (var r in duplex.ResponseStream.ReadAllAsync())
        {
            texts.Add(r.Text);
        }

        Assert.Equal("https", server.Address.Scheme);
        Assert.Equal("over tls", reply.Text);
        Assert.Equal(["d1"], texts);
    }

    [Fact]
    public async Task Tls_CertificateFromPfxPath_ServesWithAcceptAnyCertificateClient()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        var path = Path.Combine(Path.GetTempPath(), $"cortexhub-grpc-{Guid.NewGuid():N}.pfx");
        await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pfx, "s3cret"));
        try
        {
            await using var server = await GrpcTestServer.StartAsync(
                listen: new GrpcListenOptions { CertificatePath = path, CertificatePassword = "s3cret" });
            using var channel = server.CreateChannel(new GrpcChannelOptions { DangerousAcceptAnyServerCertificate = true });

            var reply = await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "pfx" }, TenSeconds);

            Assert.Equal("pfx", reply.Text);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Tls_UntrustedCertificate_Unavailable()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await GrpcTestServer.StartAsync(listen: new GrpcListenOptions { Certificate = certificate });
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<GrpcStatusException>(() =>
            channel.UnaryAsync(EchoMethods.Unary, new EchoRequest(), TenSeconds));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }
}
