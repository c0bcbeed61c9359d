using Grpc.Net.Client;

namespace CortexHub.Benchmarks.Gateway;

/// <summary>The Grpc.Net.Client channel every benchmark drives node streams through.</summary>
public static class BenchmarkChannel
{
    /// <summary>
    /// A channel that opens another HTTP/2 connection when one is full (Kestrel allows 100 streams
    /// per connection): without it, streams past the 100th wait in the client for a free slot.
    /// </summary>
    public static GrpcChannel For(Uri address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, UseProxy = false },
        DisposeHttpClient = true,
    });
}
