using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CortexHub.Benchmarks.Gateway;

/// <summary>
/// The transport limit: <see cref="EchoNodeLinkService"/> on Grpc.AspNetCore and Kestrel, h2c on a
/// loopback port, in the benchmark's process: the same transport, messages and method path
/// (<c>/cortexhub.v1.NodeLink/Connect</c>) as a silo's gRPC port, so the same client code drives both.
/// </summary>
public sealed class EchoServer : IAsyncDisposable
{
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
        builder.Services.AddGrpc();
        ListenOptions? listen = null;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, l =>
        {
            l.Protocols = HttpProtocols.Http2;
            listen = l;
        }));
        var app = builder.Build();
        app.MapGrpcService<EchoNodeLinkService>();
        await app.StartAsync();
        return new EchoServer(app, new Uri($"http://127.0.0.1:{listen!.IPEndPoint!.Port}"));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
