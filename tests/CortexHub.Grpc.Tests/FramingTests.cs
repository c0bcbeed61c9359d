using System.Net;
using CortexHub.Grpc.Tests.Infrastructure;
using CortexHub.Grpc.Tests.Protos;
using Google.Protobuf;
using Xunit;

namespace CortexHub.Grpc.Tests;

/// <summary>
/// A fake peer writes raw bytes at the server and reads raw bytes back. After each bad stream a
/// normal call on the same server must still succeed.
/// </summary>
public sealed class FramingTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>, IDisposable
{
    private readonly RawGrpcPeer _peer = new(fixture.Server.Address);

    public void Dispose() => _peer.Dispose();

    [Fact]
    public async Task Unary_FrameSplitIntoOneByteWrites_IsReassembled()
    {
        var frame = RawFrames.Frame(new EchoRequest { Text = "split across many DATA frames" });

        var response = await _peer.SendAsync(EchoMethods.Unary.Path, RawFrames.Split(frame, 1));

        Assert.Equal(StatusCode.OK, response.Status);
        var reply = EchoReply.Parser.ParseFrom(Assert.Single(response.Frames));
        Assert.Equal("split across many DATA frames", reply.Text);
    }

    [Fact]
    public async Task Duplex_FramesSplitAcrossChunkBoundaries_AllMessagesEchoed()
    {
        var bytes = RawFrames.Concat(
            RawFrames.Frame(new EchoRequest { Text = "first" }),
            RawFrames.Frame(new EchoRequest()),
            RawFrames.Frame(new EchoRequest { Text = "third" }));

        var response = await _peer.SendAsync(EchoMethods.Duplex.Path, RawFrames.Split(bytes, 3));

        Assert.Equal(StatusCode.OK, response.Status);
        var texts = response.Frames.Select(f => EchoReply.Parser.ParseFrom(f).Text).ToArray();
        Assert.Equal(["first", "", "third"], texts);
    }

    [Fact]
    public async Task Unary_ZeroLengthMessage_ParsedAsDefaultAndAnsweredWithZeroLengthFrame()
    {
        var response = await _peer.SendAsync(EchoMethods.Unary.Path, [RawFrames.Frame([])]);

        Assert.Equal(StatusCode.OK, response.Status);
        Assert.Equal(new byte[5], response.Body);
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task Unary_TruncatedPayloadAtEndOfStream_Internal()
    {
        var frame = RawFrames.Frame(new EchoRequest { Text = "truncated" });

        var response = await _peer.SendAsync(EchoMethods.Unary.Path, [frame[..^4]]);

        Assert.Equal(StatusCode.Internal, response.Status);
        Assert.Contains("Incomplete message", response.Message, StringComparison.Ordinal);
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task Duplex_TruncatedHeaderAtEndOfStream_InternalAfterEarlierReplies()
    {
        var bytes = RawFrames.Concat(RawFrames.Frame(new EchoRequest { Text = "ok" }), [0, 0, 0]);

        var response = await _peer.SendAsync(EchoMethods.Duplex.Path, [bytes]);

        Assert.Equal(StatusCode.Internal, response.Status);
        Assert.Contains("inside a message header", response.Message, StringComparison.Ordinal);
        Assert.Equal("ok", EchoReply.Parser.ParseFrom(Assert.Single(response.Frames)).Text);
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task Unary_CompressedFlagWithoutEncoding_InternalWithClearMessage()
    {
        var frame = RawFrames.Frame(new EchoRequest { Text = "x" }.ToByteArray(), compressedFlag: 1);

        var response = await _peer.SendAsync(EchoMethods.Unary.Path, [frame]);

        Assert.Equal(StatusCode.Internal, response.Status);
        Assert.Contains("compressed message but no grpc-encoding", response.Message, StringComparison.Ordinal);
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task Unary_GzipEncoding_UnimplementedTrailersOnlyWithAcceptEncoding()
    {
        var response = await _peer.SendAsync(
            EchoMethods.Unary.Path,
            [RawFrames.Frame(new EchoRequest())],
            headers: new Dictionary<string, string> { ["grpc-encoding"] = "gzip" });

        Assert.Equal(StatusCode.Unimplemented, response.Status);
        Assert.True(response.IsTrailersOnly, response.ToString());
        Assert.Equal("identity", response.Headers["grpc-accept-encoding"]);
        Assert.Contains("gzip", response.Message, StringComparison.Ordinal);
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task Unary_GarbageProtobuf_InternalAndHandlerNotRun()
    {
        // Field 1, length-delimited, claims 127 bytes that are not there.
        var response = await _peer.SendAsync(EchoMethods.Unary.Path, [RawFrames.Frame([0x0A, 0x7F, 0x01])]);

        Assert.Equal(StatusCode.Internal, response.Status);
        Assert.Contains("Failed to deserialize", response.Message, StringComparison.Ordinal);
        Assert.Empty(response.Body);
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task Unary_OversizeFrameHeader_ResourceExhaustedBeforeBodyArrives()
    {
        var release = new TaskCompletionSource();
        var header = RawFrames.Frame([], declaredLength: 5 * 1024 * 1024);

        // The body is held open after the header: the answer must not wait for the 5 MiB.
        var response = await _peer.SendAsync(EchoMethods.Unary.Path, [header], holdRequestOpenUntil: release.Task);
        release.SetResult();

        Assert.Equal(StatusCode.ResourceExhausted, response.Status);
        Assert.Contains("exceeds the maximum configured message size", response.Message, StringComparison.Ordinal);
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task Unary_OversizeResponse_ResourceExhausted()
    {
        var request = new EchoRequest { ReplyPayloadSize = GrpcServerOptions.DefaultMaxMessageSize + 1 };

        var response = await _peer.SendAsync(EchoMethods.Unary.Path, [RawFrames.Frame(request)]);

        Assert.Equal(StatusCode.ResourceExhausted, response.Status);
        Assert.Contains("Sending message exceeds", response.Message, StringComparison.Ordinal);
        Assert.Empty(response.Body);
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task Unary_TwoMessages_InternalAdditionalData()
    {
        var bytes = RawFrames.Concat(RawFrames.Frame(new EchoRequest { Text = "a" }), RawFrames.Frame(new EchoRequest { Text = "b" }));

        var response = await _peer.SendAsync(EchoMethods.Unary.Path, [bytes]);

        Assert.Equal(StatusCode.Internal, response.Status);
        Assert.Contains("Additional data", response.Message, StringComparison.Ordinal);
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task Unary_NoMessage_InternalIncomplete()
    {
        var response = await _peer.SendAsync(EchoMethods.Unary.Path, []);

        Assert.Equal(StatusCode.Internal, response.Status);
        Assert.Contains("without a message", response.Message, StringComparison.Ordinal);
        await AssertServerHealthyAsync();
    }

    [Theory]
    [InlineData("/cortexhub.test.v1.Echo/Unary")]
    [InlineData("/cortexhub.test.v1.Echo/Missing")]
    public async Task Request_WrongContentType_Http415(string path)
    {
        var response = await _peer.SendAsync(path, [RawFrames.Frame(new EchoRequest())], contentType: "application/json");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.HttpStatus);
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task Request_GrpcProtoContentType_Accepted()
    {
        var response = await _peer.SendAsync(
            EchoMethods.Unary.Path, [RawFrames.Frame(new EchoRequest { Text = "proto" })], contentType: "application/grpc+proto");

        Assert.Equal(StatusCode.OK, response.Status);
    }

    [Theory]
    [InlineData("/cortexhub.test.v1.Echo/Missing", "Method 'Missing' is not implemented by service 'cortexhub.test.v1.Echo'.")]
    [InlineData("/cortexhub.test.v1.Nope/Unary", "Service 'cortexhub.test.v1.Nope' is not implemented.")]
    public async Task Request_UnknownMethod_UnimplementedTrailersOnly(string path, string message)
    {
        var response = await _peer.SendAsync(path, [RawFrames.Frame(new EchoRequest())]);

        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.Equal(StatusCode.Unimplemented, response.Status);
        Assert.True(response.IsTrailersOnly, response.ToString());
        Assert.Equal(message, response.Message);
        await AssertServerHealthyAsync();
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("100")]
    [InlineData("123456789m")]
    [InlineData("5x")]
    public async Task Request_InvalidGrpcTimeout_InternalNamingTheHeader(string timeout)
    {
        var response = await _peer.SendAsync(
            EchoMethods.Unary.Path,
            [RawFrames.Frame(new EchoRequest())],
            headers: new Dictionary<string, string> { ["grpc-timeout"] = timeout });

        Assert.Equal(StatusCode.Internal, response.Status);
        Assert.Contains($"Invalid grpc-timeout header '{timeout}'", response.Message, StringComparison.Ordinal);
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task BadStream_WhileDuplexOpen_DuplexUnaffected()
    {
        using var duplex = fixture.Channel.AsyncDuplexStreamingCall(
            EchoMethods.Duplex, new GrpcCallOptions { Timeout = TimeSpan.FromSeconds(10) });
        await duplex.RequestStream.WriteAsync(new EchoRequest { Text = "before" });
        Assert.True(await duplex.ResponseStream.MoveNext());

        var bad = await _peer.SendAsync(EchoMethods.Duplex.Path, [RawFrames.Frame([0x0A, 0x7F])]);
        var truncated = await _peer.SendAsync(EchoMethods.Duplex.Path, [[0, 0, 0, 0, 9, 1]]);

        Assert.Equal(StatusCode.Internal, bad.Status);
        Assert.Equal(StatusCode.Internal, truncated.Status);
        await duplex.RequestStream.WriteAsync(new EchoRequest { Text = "after" });
        Assert.True(await duplex.ResponseStream.MoveNext());
        Assert.Equal("after", duplex.ResponseStream.Current.Text);
        await duplex.RequestStream.CompleteAsync();
        Assert.False(await duplex.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.OK, duplex.GetStatus().Code);
    }

    private async Task AssertServerHealthyAsync()
    {
        var reply = await fixture.Channel.UnaryAsync(
            EchoMethods.Unary, new EchoRequest { Text = "healthy" }, new GrpcCallOptions { Timeout = TimeSpan.FromSeconds(10) });
        Assert.Equal("healthy", reply.Text);
    }
}
