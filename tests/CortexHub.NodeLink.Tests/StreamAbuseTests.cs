using CortexHub.NodeLink.Tests.Infrastructure;

namespace CortexHub.NodeLink.Tests;

/// <summary>Streams that are reset halfway or opened and left silent, in the hundreds.</summary>
[Collection(SiloCollection.Name)]
public sealed class StreamAbuseTests(InProcessSilo silo) : IDisposable
{
    private const int IdleStreams = 500;

    private readonly RawGrpcPeer _peer = new(silo.GrpcAddress);

    public void Dispose() => _peer.Dispose();

    /// <summary>
    /// Half a Hello frame, then RST_STREAM (CANCEL) from the client. There is no status to read:
    /// the stream is gone, so the client sees only its own cancellation; the hub's handler is
    /// cancelled with the request (no error id is logged for a cancelled call).
    /// </summary>
    [Fact]
    public async Task Connect_ResetMidMessage_OnlyThatStreamEnds()
    {
        for (var i = 0; i < 20; i++)
        {
            Assert.IsAssignableFrom<OperationCanceledException>(await HostileRequests.ResetMidMessageAsync(_peer));
        }

        await silo.Witness.WaitForMoreAcksAsync(3);
        await silo.AssertServesNodesAsync();
    }

    /// <summary>
    /// 500 Connect streams that send headers and nothing else, all open at once (over several
    /// HTTP/2 connections: Kestrel allows 100 streams per connection). While they are open the
    /// witness keeps getting acks and new calls succeed; then the hub ends each one with
    /// DEADLINE_EXCEEDED "No Hello within …" when its Hello timeout passes.
    /// </summary>
    [Fact]
    public async Task Connect_500IdleStreams_EachEndsAtHelloTimeoutWhileOthersServe()
    {
        var responses = await HostileRequests.IdleStreamsAsync(_peer, IdleStreams, async () =>
        {
            await silo.Witness.WaitForMoreAcksAsync(3);
            await silo.AssertServesNodesAsync();
        });

        Assert.All(responses, outcome => Assert.Equal($"HTTP 200, grpc-status DeadlineExceeded: No Hello within {InProcessSilo.HelloTimeout:c}.", outcome));
        await silo.Witness.WaitForMoreAcksAsync(3);
        await silo.AssertServesNodesAsync();
    }
}
