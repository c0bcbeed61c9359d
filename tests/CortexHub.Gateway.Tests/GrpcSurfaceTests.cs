using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;

namespace CortexHub.Gateway.Tests;

/// <summary>What the silo's gRPC port offers besides the node link, and what it keeps to the other port.</summary>
public sealed class GrpcSurfaceTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await HubFixture.StartAsync(StorageKind.Sqlite);

    public Task DisposeAsync() => _cluster.DisposeAsync().AsTask();

    [Fact]
    public async Task Health_ServerAndNodeLink_Serving()
    {
        using var channel = GrpcChannel.ForAddress(_cluster[0].GrpcAddress);
        var health = new Health.HealthClient(channel);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = "" })).Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving,
            (await health.CheckAsync(new HealthCheckRequest { Service = GatewayServiceCollectionExtensions.NodeLinkServiceName })).Status);
    }

    [Fact]
    public async Task Reflection_ListsTheNodeLink()
    {
        using var channel = GrpcChannel.ForAddress(_cluster[0].GrpcAddress);
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Contains(GatewayServiceCollectionExtensions.NodeLinkServiceName, call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name));
    }

    [Fact]
    public async Task GrpcPort_UnknownMethod_Unimplemented()
    {
        using var channel = GrpcChannel.ForAddress(_cluster[0].GrpcAddress);
        var unknown = new Method<HubInfoRequest, HubInfo>(MethodType.Unary, "cortexhub.v1.Elsewhere", "Nothing",
            Marshallers.Create(r => Google.Protobuf.MessageExtensions.ToByteArray(r), HubInfoRequest.Parser.ParseFrom),
            Marshallers.Create(r => Google.Protobuf.MessageExtensions.ToByteArray(r), HubInfo.Parser.ParseFrom));

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.CreateCallInvoker().AsyncUnaryCall(unknown, null, default, new HubInfoRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task GrpcPort_PlainHttpRequests_NotServed()
    {
        using var http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = _cluster[0].GrpcAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task HttpPort_NodeLink_NotServed()
    {
        using var channel = GrpcChannel.ForAddress(_cluster[0].HttpAddress);

        var error = await Assert.ThrowsAsync<RpcException>(() => new NodeLink.NodeLinkClient(channel).GetHubInfoAsync(new HubInfoRequest(), deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);

        Assert.NotEqual(StatusCode.DeadlineExceeded, error.StatusCode);
        using var http = new HttpClient { BaseAddress = _cluster[0].HttpAddress };
        Assert.Equal("ok", await http.GetStringAsync("/healthz")); // the HTTP port itself is fine
    }
}
