using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CortexHub.Grpc.Tests.Infrastructure;

/// <summary>A real Kestrel on 127.0.0.1 with a free port, serving the Echo service (and the Hang endpoint).</summary>
public sealed class GrpcTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GrpcTestServer(WebApplication app, Uri address, EchoServiceState state, CapturingLoggerProvider logs)
    {
        _app = app;
        Address = address;
        State = state;
        Logs = logs;
    }

    public Uri Address { get; }

    public EchoServiceState State { get; }

    public CapturingLoggerProvider Logs { get; }

    public static async Task<GrpcTestServer> StartAsync(
        Action<GrpcServerOptions>? configure = null,
        GrpcListenOptions? listen = null,
        Action<KestrelServerOptions>? kestrelLimits = null)
    {
        var state = new EchoServiceState();
        var logs = new CapturingLoggerProvider();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenGrpc(new IPEndPoint(IPAddress.Loopback, 0), listen);
            kestrelLimits?.Invoke(kestrel);
        });
        builder.Services.AddGrpcServer(configure);

        var app = builder.Build();
        app.MapGrpcService(EchoService.Create(state));
        app.MapPost(EchoMethods.Hang.Path, (RequestDelegate)(context => HangAsync(context, state)));
        await app.StartAsync();

        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        var port = new Uri(bound).Port;
        var scheme = listen?.UsesTls == true ? "https" : "http";
        return new GrpcTestServer(app, new Uri($"{scheme}://127.0.0.1:{port}"), state, logs);
    }

    public GrpcChannel CreateChannel(GrpcChannelOptions? options = null) => GrpcChannel.ForAddress(Address, options);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task HangAsync(HttpContext context, EchoServiceState state)
    {
        // Answers like a server that ignores grpc-timeout: headers, then nothing until the client resets the stream.
        context.Response.ContentType = "application/grpc";
        await context.Response.StartAsync();
        await context.Response.BodyWriter.FlushAsync();
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            state.HangAborted.TrySetResult();
        }
    }
}
