namespace CortexHub.Grains.Tasks;

/// <summary>One entry of a task's thought log.</summary>
public sealed record ThoughtRecord(long Sequence, DateTimeOffset At, string Text);
