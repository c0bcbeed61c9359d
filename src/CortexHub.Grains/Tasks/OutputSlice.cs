using Orleans;

namespace CortexHub.Grains.Tasks;

/// <summary>
/// Retained stdout bytes of a task from <paramref name="Offset"/> (its byte position in the whole
/// stream) on. <paramref name="RetainedFrom"/> is the oldest position still kept; <paramref name="TotalBytes"/>
/// counts every byte the task wrote so far; <paramref name="Finished"/> says no more will come.
/// </summary>
[GenerateSerializer, Alias("cortexhub.OutputSlice")]
public sealed record OutputSlice(
    [property: Id(0)] long Offset,
    [property: Id(1)] byte[] Data,
    [property: Id(2)] long RetainedFrom,
    [property: Id(3)] long TotalBytes,
    [property: Id(4)] bool Finished);
