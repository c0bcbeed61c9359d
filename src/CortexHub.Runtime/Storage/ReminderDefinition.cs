namespace CortexHub.Runtime.Storage;

/// <summary>A reminder's schedule: next due time and period (null for a one-shot reminder).</summary>
public sealed record ReminderDefinition(GrainId Grain, string Name, DateTimeOffset NextDueAt, TimeSpan? Period);
