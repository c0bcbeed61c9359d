using Orleans;

namespace CortexHub.Grains.Tasks;

/// <summary>
/// Outcome of an append: every event up to <see cref="AckedSequence"/> is durable. A
/// <see cref="GapAfter"/> value means events after that sequence arrived before it; they were not
/// stored and the sender must resend from <c>AckedSequence + 1</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("cortexhub.AppendResult")]
public sealed record AppendResult([property: Id(0)] long AckedSequence, [property: Id(1)] long? GapAfter, [property: Id(2)] int Stored, [property: Id(3)] int Duplicates);
