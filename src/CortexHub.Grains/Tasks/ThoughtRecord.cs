using Orleans;

namespace CortexHub.Grains.Tasks;

/// <summary>One entry of a task's thought log.</summary>
[GenerateSerializer, Alias("cortexhub.ThoughtRecord")]
public sealed record ThoughtRecord([property: Id(0)] long Sequence, [property: Id(1)] DateTimeOffset At, [property: Id(2)] string Text);
