using Xunit;

namespace CortexHub.Grpc.Tests.Infrastructure;

/// <summary>One Echo server and a channel to it, shared by the tests of a class.</summary>
public sealed class EchoServerFixture : IAsyncLifetime
{
    private GrpcTestServer? _server;
    private GrpcChannel? _channel;

    public GrpcTestServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public GrpcChannel Channel => _channel ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _server = await GrpcTestServer.StartAsync();
        _channel = _server.CreateChannel();
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
