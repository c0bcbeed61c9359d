using System.Collections.Concurrent;

namespace CortexHub.NodeLink.Tests.Infrastructure;

/// <summary>
/// Sends <see cref="RandomFrames"/> at a silo's Connect method, a few streams at a time, and tallies
/// how each stream ended: its HTTP status and grpc-status, or the exception if the stream was reset.
/// </summary>
public static class RandomFrameRun
{
    /// <summary>Few, so most frames are read: a stream ends at its first broken frame.</summary>
    public const int FramesPerStream = 10;
    private const int StreamsAtOnce = 4;

    /// <returns>Streams per outcome, e.g. "HTTP 200, grpc-status Internal" → 37.</returns>
    public static async Task<IReadOnlyDictionary<string, int>> RunAsync(ISiloUnderTest silo, RawGrpcPeer peer, int seed, int frames)
    {
        var nodeId = SiloChecks.UniqueId("fuzz");
        var hello = new Hello { NodeId = nodeId, Token = await silo.ProvisionAsync(nodeId), AgentVersion = "fuzz" };

        // Bodies are generated up front from one generator, so the run is the same whatever the scheduling.
        var random = new RandomFrames(seed);
        var streams = Enumerable.Range(0, frames / FramesPerStream).Select(i =>
        {
            var body = random.Stream(FramesPerStream, i % 2 == 0 ? hello : null);
            return random.Chunks(body);
        }).ToList();

        var outcomes = new ConcurrentDictionary<string, int>();
        await Parallel.ForEachAsync(streams, new ParallelOptions { MaxDegreeOfParallelism = StreamsAtOnce }, async (chunks, _) =>
        {
            string outcome;
            try
            {
                outcome = StreamOutcome.Of(await peer.SendAsync(NodeLinkPaths.Connect, chunks).WaitAsync(Deadlines.Call));
            }
            catch (Exception ex) when (ex is HttpRequestException or HttpIOException)
            {
                // The server reset the stream or closed the connection: a stream- or connection-level error.
                outcome = $"no response: {ex.GetType().Name}: {ex.Message}";
            }

            outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
        });
        return outcomes;
    }
}
