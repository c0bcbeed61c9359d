namespace CortexHub.Grains.Pool;

/// <summary>One node's claim: up to <paramref name="Limit"/> items of <paramref name="Owner"/> that its labels match.</summary>
public sealed record PoolClaimRequest(string NodeId, string Owner, IReadOnlyDictionary<string, string> Labels, int Limit);
