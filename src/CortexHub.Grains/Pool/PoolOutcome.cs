namespace CortexHub.Grains.Pool;

/// <summary>How a lease ended, as the pool records it: done (<paramref name="Succeeded"/>) or failed with an error.</summary>
/// <param name="LeaseTerm">The term this outcome ends; if the item's current term differs, the outcome changes nothing.</param>
public sealed record PoolOutcome(string ItemId, long LeaseTerm, bool Succeeded, string? Error, int? ExitCode);
