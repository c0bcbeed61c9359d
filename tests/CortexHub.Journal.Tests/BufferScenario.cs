namespace CortexHub.Journal.Tests;

/// <summary>A generated run of appends: capacities, the chunks in order, and a chunk index at which to persist and restore.</summary>
public sealed record BufferScenario(int HeadCapacity, int TailCapacity, byte[][] Chunks, int SplitAt)
{
    public byte[] Concatenated() => Chunks.SelectMany(c => c).ToArray();

    // FsCheck prints the counterexample with ToString; show sizes rather than "System.Byte[][]".
    public override string ToString() =>
        $"head {HeadCapacity}, tail {TailCapacity}, split at {SplitAt}, chunks [{string.Join(", ", Chunks.Select(c => c.Length))}]";
}
