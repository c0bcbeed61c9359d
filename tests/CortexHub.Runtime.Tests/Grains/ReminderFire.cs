namespace CortexHub.Runtime.Tests.Grains;

public sealed record ReminderFire(string GrainKey, string Name, DateTimeOffset DueAt, DateTimeOffset FiredAt, string SiloId);
