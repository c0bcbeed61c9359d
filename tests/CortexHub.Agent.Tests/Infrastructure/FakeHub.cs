using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CortexHub.Agent.Tests.Infrastructure;

/// <summary>
/// A scripted hub: a real Kestrel on 127.0.0.1 (HTTP/2 only, cleartext) serving NodeLink.Connect with
/// grpc-dotnet. Each stream the agent opens shows up in <see cref="NextSessionAsync"/> after its Hello; the test
/// then plays the hub's part.
/// </summary>
public sealed class FakeHub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<FakeHubSession> _sessions;

    private FakeHub(WebApplication app, Uri address, Channel<FakeHubSession> sessions)
    {
        _app = app;
        Address = address;
        _sessions = sessions;
    }

    public Uri Address { get; }

    public static async Task<FakeHub> StartAsync()
    {
        var sessions = Channel.CreateUnbounded<FakeHubSession>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(sessions);
        var app = builder.Build();
        app.MapGrpcService<FakeNodeLinkService>();
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new FakeHub(app, new Uri($"http://127.0.0.1:{new Uri(bound).Port}"), sessions);
    }

    /// <summary>The next stream the agent opened, once its Hello arrived.</summary>
    public async Task<FakeHubSession> NextSessionAsync() =>
        await _sessions.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
