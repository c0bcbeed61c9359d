namespace CortexHub.Runtime.Storage;

/// <summary>A claimed reminder: the term (holder + due time) that completing it must name.</summary>
public sealed record ReminderLease(GrainId Grain, string Name, DateTimeOffset DueAt, TimeSpan? Period, string Holder, DateTimeOffset ExpiresAt);
