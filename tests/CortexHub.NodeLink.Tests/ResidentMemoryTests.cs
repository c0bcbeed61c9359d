using System.Net;
using CortexHub.NodeLink.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CortexHub.NodeLink.Tests;

/// <summary>
/// Every kind of hostile input, round after round, against a real silo process: its resident
/// memory (VmRSS from /proc) must not keep growing, and it must still serve nodes.
/// </summary>
public sealed class ResidentMemoryTests(ITestOutputHelper output)
{
    /// <summary>Short, so each round's 500 idle streams end soon.</summary>
    private static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Generous: the silo runs server GC, whose heaps grow and shrink by tens of MiB with load
    /// alone. A leak of what the abuse holds (500 streams, 4 GiB promised, 10,000 frames) per round
    /// would be far larger over the measured rounds.
    /// </summary>
    private const long AllowedGrowth = 256L * 1024 * 1024;

    private const int MeasuredRounds = 3;
    private const int RepeatsPerKind = 25;

    [Fact]
    public async Task SiloProcess_RoundsOfEveryAbuse_ResidentMemoryBoundedAndServing()
    {
        await using var silo = await SiloProcessHost.StartAsync(HelloTimeout);
        await using var witness = await silo.StartWitnessAsync();
        using var peer = new RawGrpcPeer(silo.GrpcAddress);

        // The first round warms up every path (thread pool, buffers, JIT, pools), so the
        // measured rounds compare like with like.
        await OneRoundAsync(silo, peer, witness, round: 0);
        var before = ResidentMemory.OfProcess(silo.ProcessId);
        for (var round = 1; round <= MeasuredRounds; round++)
        {
            await OneRoundAsync(silo, peer, witness, round);
            output.WriteLine($"after round {round}: RSS {ResidentMemory.OfProcess(silo.ProcessId) / 1048576.0:F0} MiB");
        }

        var after = ResidentMemory.OfProcess(silo.ProcessId);
        output.WriteLine($"RSS before the measured rounds {before / 1048576.0:F0} MiB, after {after / 1048576.0:F0} MiB");

        Assert.True(after - before < AllowedGrowth,
            $"RSS grew by {(after - before) / 1048576.0:F0} MiB over {MeasuredRounds} rounds (allowed {AllowedGrowth / 1048576} MiB).");
        await witness.WaitForMoreAcksAsync(3);
        await silo.AssertServesNodesAsync();
    }

    private async Task OneRoundAsync(SiloProcessHost silo, RawGrpcPeer peer, WitnessNode witness, int round)
    {
        for (var i = 0; i < RepeatsPerKind; i++)
        {
            Assert.Equal(StatusCode.Internal, (await HostileRequests.TruncatedFrameAsync(peer, NodeLinkPaths.Connect)).Status);
            Assert.NotEqual(StatusCode.OK, (await HostileRequests.DeclaredLengthAsync(peer, NodeLinkPaths.Connect, uint.MaxValue)).Status);
            Assert.Equal(StatusCode.ResourceExhausted, (await HostileRequests.DeclaredLengthAsync(peer, NodeLinkPaths.Connect, 5 * 1024 * 1024)).Status);
            Assert.Equal(StatusCode.Internal, (await HostileRequests.CompressedWithoutEncodingAsync(peer, NodeLinkPaths.Connect)).Status);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await HostileRequests.ContentTypeAsync(peer, "application/json")).HttpStatus);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await HostileRequests.ContentTypeAsync(peer, null)).HttpStatus);
            Assert.Contains(HostileRequests.Http1RejectionText, await HostileRequests.Http11RequestAsync(silo.GrpcAddress), StringComparison.Ordinal);
            await HostileRequests.ResetMidMessageAsync(peer);
        }

        var idle = await HostileRequests.IdleStreamsAsync(peer, 500, () => witness.WaitForMoreAcksAsync(3));
        Assert.All(idle, outcome => Assert.StartsWith("HTTP 200, grpc-status DeadlineExceeded", outcome, StringComparison.Ordinal));
        var outcomes = await RandomFrameRun.RunAsync(silo, peer, seed: round, frames: 2_000);
        Assert.Equal(2_000 / RandomFrameRun.FramesPerStream, outcomes.Values.Sum());
        await witness.WaitForMoreAcksAsync(3);
    }
}
