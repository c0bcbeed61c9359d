using CortexHub.Grains.Nodes;

namespace CortexHub.Grains.Storage;

/// <summary>
/// Each node's terminal history as a ring of slots: chunk n goes to slot n mod capacity, so an
/// append is one upsert and rotation is free (the oldest chunk is simply overwritten).
/// </summary>
public interface ITerminalStore
{
    Task TerminalPutAsync(string nodeId, int slot, long sequence, byte[] data, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Every stored chunk of the node with a sequence above <paramref name="afterSequence"/>, oldest first.</summary>
    Task<IReadOnlyList<TerminalChunk>> TerminalListAsync(string nodeId, long afterSequence, CancellationToken cancellationToken = default);
}
