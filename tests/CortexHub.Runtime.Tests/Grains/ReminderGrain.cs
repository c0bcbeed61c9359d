using CortexHub.Runtime.Membership;

namespace CortexHub.Runtime.Tests.Grains;

[GrainType("test-reminder")]
public sealed class ReminderGrain(ReminderProbe probe, SiloIdentity silo) : Grain, IReminderGrain
{
    public Task ScheduleAsync(string name, TimeSpan dueTime, TimeSpan? period) => RegisterOrUpdateReminderAsync(name, dueTime, period);

    public Task<bool> CancelAsync(string name) => UnregisterReminderAsync(name);

    public Task ReceiveReminderAsync(string reminderName, ReminderTick tick) =>
        probe.OnFiredAsync(new ReminderFire(GrainKey, reminderName, tick.DueAt, tick.FiredAt, silo.SiloId));
}
