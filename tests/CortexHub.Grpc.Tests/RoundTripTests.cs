using CortexHub.Grpc.Tests.Infrastructure;
using CortexHub.Grpc.Tests.Protos;
using Google.Protobuf;
using Xunit;

namespace CortexHub.Grpc.Tests;

/// <summary>Our client against our server, over h2c on a real Kestrel.</summary>
public sealed class RoundTripTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>
{
    private static readonly GrpcCallOptions TenSeconds = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Unary_WithMetadata_EchoesTextAndReturnsTrailers()
    {
        var headers = new GrpcMetadata()
            .Add("x-echo", "hello metadata")
            .Add("x-data-bin", new byte[] { 0, 1, 2, 255 });
        using var call = fixture.Channel.AsyncUnaryCall(
            EchoMethods.Unary,
            new EchoRequest { Text = "héllo ✓", Payload = ByteString.CopyFromUtf8("payload") },
            new GrpcCallOptions { Headers = headers, Timeout = TimeSpan.FromSeconds(10) });

        var reply = await call;

        Assert.Equal("héllo ✓", reply.Text);
        Assert.Equal("payload", reply.Payload.ToStringUtf8());
        Assert.Equal(StatusCode.OK, call.GetStatus().Code);
        var trailers = call.GetTrailers();
        Assert.Equal("hello metadata", trailers.GetValue("x-echo-trailer"));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, trailers.GetValueBytes("x-data-bin"));
        Assert.StartsWith("ipv4:127.0.0.1:", trailers.GetValue("x-peer"), StringComparison.Ordinal);
        Assert.Equal("yes", trailers.GetValue("x-has-deadline"));
    }

    [Fact]
    public async Task Unary_ServerSendsHeadersEarly_ClientSeesResponseHeaders()
    {
        using var call = fixture.Channel.AsyncUnaryCall(
            EchoMethods.Unary,
            new EchoRequest { Text = "h" },
            new GrpcCallOptions { Headers = new GrpcMetadata().Add("x-send-headers", "early"), Timeout = TimeSpan.FromSeconds(10) });

        var headers = await call.ResponseHeadersAsync;
        var reply = await call;

        Assert.Equal("early", headers.GetValue("x-header-echo"));
        Assert.Equal("h", reply.Text);
    }

    [Fact]
    public async Task Unary_EmptyMessages_RoundTrip()
    {
        var reply = await fixture.Channel.UnaryAsync(EchoMethods.Unary, new EchoRequest(), TenSeconds);

        Assert.Equal(new EchoReply(), reply);
    }

    [Fact]
    public async Task ServerStreaming_CountOfFive_ReceivesFiveInOrderAndTrailer()
    {
        using var call = fixture.Channel.AsyncServerStreamingCall(
            EchoMethods.ServerStream, new EchoRequest { Text = "s", Count = 5 }, TenSeconds);

        var indexes = new List<int>();
        await foreach (var reply in call.ResponseStream.ReadAllAsync())
        {
            indexes.Add(reply.Index);
        }

        Assert.Equal([0, 1, 2, 3, 4], indexes);
        Assert.Equal(StatusCode.OK, call.GetStatus().Code);
        Assert.Equal("5", call.GetTrailers().GetValue("x-count"));
    }

    [Fact]
    public async Task ClientStreaming_ThreeMessages_ServerJoinsThem()
    {
        using var call = fixture.Channel.AsyncClientStreamingCall(EchoMethods.ClientStream, TenSeconds);
        foreach (var text in new[] { "a", "b", "c" })
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = text });
        }

        await call.RequestStream.CompleteAsync();
        var reply = await call;

        Assert.Equal("a,b,c", reply.Text);
        Assert.Equal(3, reply.Index);
    }

    [Fact]
    public async Task ClientStreaming_NoMessages_ServerSeesEmptyStream()
    {
        using var call = fixture.Channel.AsyncClientStreamingCall(EchoMethods.ClientStream, TenSeconds);
        await call.RequestStream.CompleteAsync();

        var reply = await call;

        Assert.Equal(string.Empty, reply.Text);
        Assert.Equal(0, reply.Index);
    }

    [Fact]
    public async Task ClientStreaming_ServerFailsOnFirstMessage_WritesAndResponseReportServerStatus()
    {
        using var call = fixture.Channel.AsyncClientStreamingCall(EchoMethods.ClientStream, TenSeconds);
        await call.RequestStream.WriteAsync(new EchoRequest { FailWith = "status:9:stop sending" });

        // Keep writing while the server has already answered: once the stream is closed under us, the
        // write must report the server's status, not a transport error.
        GrpcStatusException? writeFailure = null;
        for (var i = 0; i < 100_000 && writeFailure is null && !call.ResponseAsync.IsCompleted; i++)
        {
            try
            {
                await call.RequestStream.WriteAsync(new EchoRequest { Text = "more" });
            }
            catch (GrpcStatusException ex)
            {
                writeFailure = ex;
            }
        }

        var responseFailure = await Assert.ThrowsAsync<GrpcStatusException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, responseFailure.StatusCode);
        Assert.Equal("stop sending", responseFailure.Detail);
        var late = await Assert.ThrowsAsync<GrpcStatusException>(async () => await call.RequestStream.WriteAsync(new EchoRequest()));
        Assert.Equal(StatusCode.FailedPrecondition, late.StatusCode);
        if (writeFailure is not null)
        {
            Assert.Equal(StatusCode.FailedPrecondition, writeFailure.StatusCode);
        }
    }

    [Fact]
    public async Task Duplex_PingPong_EachRequestEchoedBeforeTheNext()
    {
        using var call = fixture.Channel.AsyncDuplexStreamingCall(
            EchoMethods.Duplex,
            new GrpcCallOptions { Headers = new GrpcMetadata().Add("x-echo", "duplex"), Timeout = TimeSpan.FromSeconds(10) });

        for (var i = 0; i < 20; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = $"m{i}" });
            Assert.True(await call.ResponseStream.MoveNext());
            Assert.Equal($"m{i}", call.ResponseStream.Current.Text);
            Assert.Equal(i, call.ResponseStream.Current.Index);
        }

        await call.RequestStream.CompleteAsync();

        Assert.False(await call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.OK, call.GetStatus().Code);
        Assert.Equal("duplex", call.GetTrailers().GetValue("x-echo-trailer"));
    }

    [Fact]
    public async Task Duplex_ServerEndsFirst_ClientReadsOkAndFurtherWritesFail()
    {
        using var call = fixture.Channel.AsyncDuplexStreamingCall(EchoMethods.Duplex, TenSeconds);
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "one" });
        Assert.True(await call.ResponseStream.MoveNext());
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "end" });

        Assert.False(await call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.OK, call.GetStatus().Code);
        await Assert.ThrowsAsync<InvalidOperationException>(
            async () => await call.RequestStream.WriteAsync(new EchoRequest { Text = "late" }));
    }

    [Fact]
    public async Task Duplex_ManyConcurrentCalls_AllComplete()
    {
        var calls = Enumerable.Range(0, 50).Select(async n =>
        {
            using var call = fixture.Channel.AsyncDuplexStreamingCall(EchoMethods.Duplex, TenSeconds);
            for (var i = 0; i < 10; i++)
            {
                await call.RequestStream.WriteAsync(new EchoRequest { Text = $"{n}-{i}" });
            }

            await call.RequestStream.CompleteAsync();
            var count = 0;
            await foreach (var reply in call.ResponseStream.ReadAllAsync())
            {
                Assert.Equal($"{n}-{count}", reply.Text);
                count++;
            }

            return count;
        });

        var counts = await Task.WhenAll(calls);

        Assert.All(counts, c => Assert.Equal(10, c));
    }

    [Fact]
    public async Task Unary_HandlerThrowsStatusException_ClientGetsThatStatusAndDetail()
    {
        var ex = await Assert.ThrowsAsync<GrpcStatusException>(() => fixture.Channel.UnaryAsync(
            EchoMethods.Unary, new EchoRequest { FailWith = "status:5:no such node: n-1 (100%)" }, TenSeconds));

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Equal("no such node: n-1 (100%)", ex.Detail);
    }

    [Fact]
    public async Task Unary_HandlerThrows_ClientGetsUnknownWithErrorIdThatIsLogged()
    {
        var ex = await Assert.ThrowsAsync<GrpcStatusException>(() => fixture.Channel.UnaryAsync(
            EchoMethods.Unary, new EchoRequest { FailWith = "exception" }, TenSeconds));

        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        var match = System.Text.RegularExpressions.Regex.Match(ex.Detail, @"error id ([0-9a-f]{12})");
        Assert.True(match.Success, ex.Detail);
        Assert.DoesNotContain("asked to fail", ex.Detail, StringComparison.Ordinal);
        var logged = fixture.Server.Logs.Entries.Single(e => e.Message.Contains(match.Groups[1].Value, StringComparison.Ordinal));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, logged.Level);
        Assert.IsType<InvalidOperationException>(logged.Exception);
    }

    [Fact]
    public async Task ServerStreaming_HandlerFailsBeforeWriting_StatusArrivesAsTrailersOnly()
    {
        using var call = fixture.Channel.AsyncServerStreamingCall(
            EchoMethods.ServerStream, new EchoRequest { Count = 3, FailWith = "status:9:not ready" }, TenSeconds);

        var ex = await Assert.ThrowsAsync<GrpcStatusException>(async () => await call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Equal("not ready", ex.Detail);
    }

    [Fact]
    public async Task Unary_UnknownMethod_Unimplemented()
    {
        var ex = await Assert.ThrowsAsync<GrpcStatusException>(() =>
            fixture.Channel.UnaryAsync(EchoMethods.Missing, new EchoRequest(), TenSeconds));

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
        Assert.Contains("Missing", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unary_ServerUnreachable_Unavailable()
    {
        using var channel = GrpcChannel.ForAddress("http://127.0.0.1:1");

        var ex = await Assert.ThrowsAsync<GrpcStatusException>(() =>
            channel.UnaryAsync(EchoMethods.Unary, new EchoRequest(), TenSeconds));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }
}
