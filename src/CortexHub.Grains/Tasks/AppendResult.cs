namespace CortexHub.Grains.Tasks;

/// <summary>
/// Outcome of an append: every event up to <see cref="AckedSequence"/> is durable. A
/// <see cref="GapAfter"/> value means events after that sequence arrived before it; they were not
/// stored and the sender must resend from <c>AckedSequence + 1</c>.
/// </summary>
public sealed record AppendResult(long AckedSequence, long? GapAfter, int Stored, int Duplicates);
