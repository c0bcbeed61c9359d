namespace CortexHub.Runtime.Storage;

/// <summary>Parameters of one claim of due reminders.</summary>
public sealed record ReminderClaimParams(string SiloId, DateTimeOffset Now, TimeSpan LeaseDuration, int Limit);
