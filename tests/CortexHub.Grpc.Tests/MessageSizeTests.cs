using CortexHub.Grpc.Tests.Infrastructure;
using CortexHub.Grpc.Tests.Protos;
using Google.Protobuf;
using Xunit;

namespace CortexHub.Grpc.Tests;

/// <summary>Message size limits on both sides and in both directions.</summary>
public sealed class MessageSizeTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>
{
    private static readonly GrpcCallOptions TenSeconds = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Server_RequestOverReceiveLimit_ResourceExhausted()
    {
        using var channel = fixture.Server.CreateChannel(new GrpcChannelOptions { MaxSendMessageSize = 16 * 1024 * 1024 });
        var request = new EchoRequest { Payload = ByteString.CopyFrom(new byte[GrpcServerOptions.DefaultMaxMessageSize + 1]) };

        var ex = await Assert.ThrowsAsync<GrpcStatusException>(() => channel.UnaryAsync(EchoMethods.Unary, request, TenSeconds));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("Received message exceeds", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_RequestJustUnderLimit_AcceptedAndEchoed()
    {
        // Larger than HTTP/2's stream window: the server must take it in while it waits for the whole frame.
        var payloadSize = GrpcServerOptions.DefaultMaxMessageSize - 16;
        var request = new EchoRequest { Payload = ByteString.CopyFrom(new byte[payloadSize]) };

        var reply = await fixture.Channel.UnaryAsync(EchoMethods.Unary, request, TenSeconds);

        Assert.True(request.CalculateSize() <= GrpcServerOptions.DefaultMaxMessageSize);
        Assert.Equal(payloadSize, reply.Payload.Length);
    }

    [Fact]
    public async Task Client_RequestOverSendLimit_ResourceExhaustedWithoutSending()
    {
        using var channel = fixture.Server.CreateChannel(new GrpcChannelOptions { MaxSendMessageSize = 1024 });
        var request = new EchoRequest { Payload = ByteString.CopyFrom(new byte[2048]) };

        var ex = await Assert.ThrowsAsync<GrpcStatusException>(() => channel.UnaryAsync(EchoMethods.Unary, request, TenSeconds));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("Sending message exceeds", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_StreamedRequestOverSendLimit_WriteThrowsAndCallFails()
    {
        using var channel = fixture.Server.CreateChannel(new GrpcChannelOptions { MaxSendMessageSize = 1024 });
        using var call = channel.AsyncDuplexStreamingCall(EchoMethods.Duplex, TenSeconds);
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "small" });

        var ex = await Assert.ThrowsAsync<GrpcStatusException>(async () =>
            await call.RequestStream.WriteAsync(new EchoRequest { Payload = ByteString.CopyFrom(new byte[2048]) }));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal(StatusCode.ResourceExhausted, call.GetStatus().Code);
    }

    [Fact]
    public async Task Client_ResponseOverReceiveLimit_ResourceExhausted()
    {
        using var channel = fixture.Server.CreateChannel(new GrpcChannelOptions { MaxReceiveMessageSize = 1024 });

        var ex = await Assert.ThrowsAsync<GrpcStatusException>(() =>
            channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { ReplyPayloadSize = 4096 }, TenSeconds));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("Received message exceeds", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_ResponseOverSendLimit_ResourceExhausted()
    {
        var ex = await Assert.ThrowsAsync<GrpcStatusException>(() => fixture.Channel.UnaryAsync(
            EchoMethods.Unary,
            new EchoRequest { ReplyPayloadSize = GrpcServerOptions.DefaultMaxMessageSize + 1 },
            new GrpcCallOptions { Timeout = TimeSpan.FromSeconds(10) }));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("Sending message exceeds", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_ConfiguredLimits_Applied()
    {
        await using var server = await GrpcTestServer.StartAsync(o => o.MaxReceiveMessageSize = 100);
        using var channel = server.CreateChannel();

        var ok = await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "small" }, TenSeconds);
        var ex = await Assert.ThrowsAsync<GrpcStatusException>(() => channel.UnaryAsync(
            EchoMethods.Unary, new EchoRequest { Payload = ByteString.CopyFrom(new byte[200]) }, TenSeconds));

        Assert.Equal("small", ok.Text);
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task Server_InvalidOptions_FailsAtStartup()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => GrpcTestServer.StartAsync(o => o.MaxSendMessageSize = 0));

        Assert.Contains("MaxSendMessageSize must be positive", ex.ToString(), StringComparison.Ordinal);
    }
}
