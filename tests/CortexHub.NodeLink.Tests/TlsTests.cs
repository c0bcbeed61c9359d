using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using CortexHub.Grains.Nodes;
using CortexHub.NodeLink.Tests.Infrastructure;
using Grpc.Net.Client;

namespace CortexHub.NodeLink.Tests;

/// <summary>
/// The gRPC port with a certificate (<c>CortexHub:Endpoints:GrpcCertificatePath</c>, a PFX):
/// TLS with ALPN h2, and the node link working over it.
/// </summary>
public sealed class TlsTests : IAsyncLifetime
{
    private const string Password = "s3cret";
    private readonly X509Certificate2 _certificate = TestCertificates.CreateSelfSigned();
    private readonly string _pfx = Path.Combine(Path.GetTempPath(), $"cortexhub-nodelink-{Guid.NewGuid():N}.pfx");
    private TestCluster? _cluster;

    private TestCluster Cluster => _cluster ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        await File.WriteAllBytesAsync(_pfx, _certificate.Export(X509ContentType.Pfx, Password));
        var options = new TestClusterOptions { Storage = await TestStorage.CreateAsync(StorageKind.Sqlite) };
        options.Configuration["CortexHub:Endpoints:GrpcCertificatePath"] = _pfx;
        options.Configuration["CortexHub:Endpoints:GrpcCertificatePassword"] = Password;
        _cluster = await TestCluster.StartAsync(options);
    }

    [Fact]
    public async Task GrpcPortWithCertificate_TlsHandshake_NegotiatesH2ByAlpn()
    {
        var address = Cluster[0].GrpcAddress;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        await using var tls = new SslStream(tcp.GetStream());

        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == _certificate.GetCertHashString(),
        }).WaitAsync(Deadlines.Call);

        Assert.Equal("https", address.Scheme);
        Assert.Equal(SslApplicationProtocol.Http2, tls.NegotiatedApplicationProtocol);
    }

    [Fact]
    public async Task GrpcPortWithCertificate_GetHubInfoAndConnect_SucceedOverTls()
    {
        const string nodeId = "tls-node";
        var token = await Cluster.GetGrain<INodeGrain>(nodeId).ProvisionAsync(new NodeProvisionRequest(nodeId, "tester"));
        using var channel = GrpcChannel.ForAddress(Cluster[0].GrpcAddress, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                UseProxy = false,
                SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == _certificate.GetCertHashString() },
            },
            DisposeHttpClient = true,
        });
        var client = new NodeLinkClient(channel);

        var info = await client.GetHubInfoAsync(new HubInfoRequest(), deadline: DateTime.UtcNow + Deadlines.Call);
        using var call = client.Connect(deadline: DateTime.UtcNow + Deadlines.Call);
        await call.RequestStream.WriteAsync(new NodeMessage { Hello = new Hello { NodeId = nodeId, Token = token, AgentVersion = "tls-test" } });
        Assert.True(await call.ResponseStream.MoveNext());

        Assert.Equal("cortexhub.v1", info.Protocol);
        Assert.Equal(HubMessage.BodyOneofCase.Welcome, call.ResponseStream.Current.BodyCase);
        await call.RequestStream.CompleteAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        _certificate.Dispose();
        File.Delete(_pfx);
    }
}
