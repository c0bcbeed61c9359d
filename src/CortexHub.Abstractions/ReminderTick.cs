namespace CortexHub;

/// <summary>One firing of a reminder.</summary>
/// <param name="DueAt">When this firing was scheduled.</param>
/// <param name="FiredAt">When the silo fired it (later than <paramref name="DueAt"/> if a silo died or was busy).</param>
/// <param name="Period">The reminder's period; null for a one-shot reminder.</param>
public sealed record ReminderTick(DateTimeOffset DueAt, DateTimeOffset FiredAt, TimeSpan? Period);
