using Orleans;

namespace CortexHub.Grains.Nodes;

[GenerateSerializer, Alias("cortexhub.TerminalChunk")]
public sealed record TerminalChunk([property: Id(0)] long Sequence, [property: Id(1)] DateTimeOffset At, [property: Id(2)] byte[] Data);
