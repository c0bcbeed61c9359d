namespace CortexHub.Grains.Nodes;

public sealed record TerminalChunk(long Sequence, DateTimeOffset At, byte[] Data);
