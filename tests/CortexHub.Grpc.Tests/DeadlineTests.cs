using CortexHub.Grpc.Tests.Infrastructure;
using CortexHub.Grpc.Tests.Protos;
using Xunit;

namespace CortexHub.Grpc.Tests;

public sealed class DeadlineTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>
{
    private static readonly TimeSpan SignalTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Server_GrpcTimeoutHeaderFromRawPeer_HandlerCancelledAndDeadlineExceeded()
    {
        await WarmUpAsync();
        using var peer = new RawGrpcPeer(fixture.Server.Address);
        var id = Guid.NewGuid().ToString("N");

        // No client-side deadline here: only the server's enforcement can end this call early.
        var response = await peer.SendAsync(
            EchoMethods.Wait.Path,
            [RawFrames.Frame(new WaitRequest { Milliseconds = 60_000, Id = id })],
            headers: new Dictionary<string, string> { ["grpc-timeout"] = "400m" }).WaitAsync(SignalTimeout);

        Assert.Equal(StatusCode.DeadlineExceeded, response.Status);
        await fixture.Server.State.WaitCancelled(id).WaitAsync(SignalTimeout);
    }

    [Fact]
    public async Task Server_HandlerIgnoresCancellation_StatusSentBeforeHandlerReturns()
    {
        await WarmUpAsync();
        using var peer = new RawGrpcPeer(fixture.Server.Address);
        var id = Guid.NewGuid().ToString("N");

        var response = await peer.SendAsync(
            EchoMethods.Wait.Path,
            [RawFrames.Frame(new WaitRequest { Milliseconds = 2_000, Id = id, IgnoreCancellation = true })],
            headers: new Dictionary<string, string> { ["grpc-timeout"] = "400m" }).WaitAsync(SignalTimeout);

        Assert.Equal(StatusCode.DeadlineExceeded, response.Status);
        Assert.True(fixture.Server.State.WaitStarted(id).IsCompleted, "the handler should have started before the deadline");
        Assert.False(fixture.Server.State.WaitFinished(id).IsCompleted, "the status should not wait for the handler");
        await fixture.Server.State.WaitFinished(id).WaitAsync(SignalTimeout);
        await AssertServerHealthyAsync();
    }

    [Fact]
    public async Task Client_TimeoutShorterThanHandler_DeadlineExceededAndServerHandlerCancelled()
    {
        await WarmUpAsync();
        var id = Guid.NewGuid().ToString("N");

        var ex = await Assert.ThrowsAsync<GrpcStatusException>(() => fixture.Channel.UnaryAsync(
            EchoMethods.Wait,
            new WaitRequest { Milliseconds = 60_000, Id = id },
            new GrpcCallOptions { Timeout = TimeSpan.FromMilliseconds(400) }).WaitAsync(SignalTimeout));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        await fixture.Server.State.WaitCancelled(id).WaitAsync(SignalTimeout);
    }

    [Fact]
    public async Task Client_ServerIgnoresGrpcTimeout_ClientEnforcesDeadlineAndResetsStream()
    {
        var ex = await Assert.ThrowsAsync<GrpcStatusException>(() => fixture.Channel.UnaryAsync(
            EchoMethods.Hang,
            new EchoRequest(),
            new GrpcCallOptions { Timeout = TimeSpan.FromMilliseconds(300) }).WaitAsync(SignalTimeout));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        await fixture.Server.State.HangAborted.Task.WaitAsync(SignalTimeout);
    }

    [Fact]
    public async Task Client_DeadlineAlreadyPassed_FailsWithoutCalling()
    {
        using var call = fixture.Channel.AsyncUnaryCall(
            EchoMethods.Unary, new EchoRequest(), new GrpcCallOptions { Deadline = DateTimeOffset.UtcNow.AddSeconds(-1) });

        var ex = await Assert.ThrowsAsync<GrpcStatusException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [Fact]
    public async Task Client_DuplexDeadline_MoveNextThrowsDeadlineExceeded()
    {
        using var call = fixture.Channel.AsyncDuplexStreamingCall(
            EchoMethods.Duplex, new GrpcCallOptions { Timeout = TimeSpan.FromMilliseconds(300) });
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "x" });
        Assert.True(await call.ResponseStream.MoveNext());

        var ex = await Assert.ThrowsAsync<GrpcStatusException>(async () => await call.ResponseStream.MoveNext().AsTask().WaitAsync(SignalTimeout));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        await Assert.ThrowsAsync<GrpcStatusException>(async () => await call.RequestStream.WriteAsync(new EchoRequest()));
    }

    [Fact]
    public async Task Client_CancellationToken_CancelledAndServerHandlerCancelled()
    {
        var id = Guid.NewGuid().ToString("N");
        using var cts = new CancellationTokenSource();
        using var call = fixture.Channel.AsyncUnaryCall(
            EchoMethods.Wait, new WaitRequest { Milliseconds = 60_000, Id = id }, new GrpcCallOptions { CancellationToken = cts.Token });

        await fixture.Server.State.WaitStarted(id).WaitAsync(SignalTimeout);
        await cts.CancelAsync();
        var ex = await Assert.ThrowsAsync<GrpcStatusException>(() => call.ResponseAsync.WaitAsync(SignalTimeout));

        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        await fixture.Server.State.WaitCancelled(id).WaitAsync(SignalTimeout);
    }

    /// <summary>
    /// Runs the Wait path once so that JIT compilation on a cold server does not eat into the short
    /// deadlines below (a deadline that passes before the handler starts proves nothing about cancelling it).
    /// </summary>
    private async Task WarmUpAsync()
    {
        await fixture.Channel.UnaryAsync(
            EchoMethods.Wait, new WaitRequest { Milliseconds = 0, Id = Guid.NewGuid().ToString("N") }, new GrpcCallOptions { Timeout = TimeSpan.FromSeconds(10) });
        using var peer = new RawGrpcPeer(fixture.Server.Address);
        await peer.SendAsync(
            EchoMethods.Wait.Path,
            [RawFrames.Frame(new WaitRequest { Id = Guid.NewGuid().ToString("N") })],
            headers: new Dictionary<string, string> { ["grpc-timeout"] = "10S" });
    }

    private async Task AssertServerHealthyAsync()
    {
        var reply = await fixture.Channel.UnaryAsync(
            EchoMethods.Unary, new EchoRequest { Text = "healthy" }, new GrpcCallOptions { Timeout = TimeSpan.FromSeconds(10) });
        Assert.Equal("healthy", reply.Text);
    }
}
