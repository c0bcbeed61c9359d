using CortexHub.Grpc.Tests.Infrastructure;
using CortexHub.Grpc.Tests.Protos;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Xunit;

namespace CortexHub.Grpc.Tests;

/// <summary>
/// Kestrel ends request bodies that stay below a minimum data rate; a gRPC stream may legitimately be
/// idle for its whole life, so the server turns that limit off per call.
/// </summary>
public sealed class LongLivedStreamTests
{
    [Fact]
    public async Task Duplex_IdleLongerThanKestrelMinDataRateGracePeriod_StaysOpen()
    {
        // A strict server-wide limit with a 1.5 s grace period, so the test does not need Kestrel's default 5 s.
        await using var server = await GrpcTestServer.StartAsync(
            kestrelLimits: k => k.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 1024, gracePeriod: TimeSpan.FromSeconds(1.5)));
        using var channel = server.CreateChannel();
        using var call = channel.AsyncDuplexStreamingCall(EchoMethods.Duplex, new GrpcCallOptions { Timeout = TimeSpan.FromSeconds(20) });
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "before" });
        Assert.True(await call.ResponseStream.MoveNext());

        // Deliberate idleness (no signal exists for "nothing happened"): well past the grace period and
        // Kestrel's once-a-second rate check.
        await Task.Delay(TimeSpan.FromSeconds(3.5));

        await call.RequestStream.WriteAsync(new EchoRequest { Text = "after idle" });
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal("after idle", call.ResponseStream.Current.Text);
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.OK, call.GetStatus().Code);
    }
}
