using System.Net;
using CortexHub.Grpc;
using CortexHub.Protocol.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CortexHub.Benchmarks.Gateway;

/// <summary>
/// The transport limit: a bare duplex service on the same gRPC framing and messages as the node
/// link, answering every task event with its Ack at once (no grains, no storage).
/// </summary>
public sealed class EchoServer : IAsyncDisposable
{
    public static readonly GrpcMethod<NodeMessage, HubMessage> Method =
        new(GrpcMethodType.DuplexStreaming, "bench.Echo", "Echo", NodeMessage.Parser, HubMessage.Parser);

    private readonly WebApplication _app;

    private EchoServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<EchoServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpcServer();
        Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions? listen = null;
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => listen = l.UseGrpc()));
        var app = builder.Build();
        app.MapGrpcService(new GrpcServiceDefinition("bench.Echo").AddDuplexStreaming<NodeMessage, HubMessage>("Echo", NodeMessage.Parser, async (reader, writer, context) =>
        {
            while (await reader.MoveNext(context.CancellationToken))
            {
                var e = reader.Current.TaskEvent;
                await writer.WriteAsync(new HubMessage { Ack = new Ack { TaskId = e.TaskId, Sequence = e.Sequence } }, context.CancellationToken);
            }
        }));
        await app.StartAsync();
        return new EchoServer(app, new Uri($"http://127.0.0.1:{listen!.IPEndPoint!.Port}"));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
