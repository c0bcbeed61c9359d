using Orleans;

namespace CortexHub.Grains.Journal;

/// <summary>
/// Persisted form of a <see cref="HeadTailBuffer"/>. The byte arrays serialise as base64
/// with System.Text.Json; <see cref="OmittedBytes"/> is derived, so it cannot disagree.
/// </summary>
/// <remarks>Record equality compares the arrays by reference, not by content.</remarks>
/// <param name="Head">The first bytes of the stream (at most <paramref name="HeadCapacity"/>).</param>
/// <param name="Tail">The last bytes kept, oldest first (at most <paramref name="TailCapacity"/>).</param>
/// <param name="TotalBytes">Every byte ever appended.</param>
[GenerateSerializer, Alias("cortexhub.HeadTailState")]
public sealed record HeadTailState([property: Id(0)] byte[] Head, [property: Id(1)] byte[] Tail, [property: Id(2)] long TotalBytes, [property: Id(3)] int HeadCapacity, [property: Id(4)] int TailCapacity)
{
    public long OmittedBytes => TotalBytes - Head.Length - Tail.Length;
}
