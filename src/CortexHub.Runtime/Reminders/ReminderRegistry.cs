using CortexHub.Runtime.Storage;
using Microsoft.Extensions.Options;

namespace CortexHub.Runtime.Reminders;

/// <summary>Registers and removes durable reminders on behalf of grains.</summary>
internal sealed class ReminderRegistry(IReminderStore store, IClusterNotifier notifier, IOptions<ReminderOptions> options, TimeProvider time)
{
    public const string WakeChannel = "reminders";

    public async Task RegisterAsync(GrainId grain, string name, TimeSpan dueTime, TimeSpan? period)
    {
        if (dueTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, "A reminder's due time cannot be negative.");
        }

        if (period is { } p && p <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "A reminder's period must be positive (or null for a one-shot reminder).");
        }

        await store.ReminderUpsertAsync(new ReminderDefinition(grain, name, time.GetUtcNow() + dueTime, period));
        if (dueTime < options.Value.PollInterval)
        {
            // Best effort: pollers find it on their next round anyway.
            await notifier.NotifyAsync(WakeChannel, grain.ToString());
        }
    }

    public Task<bool> UnregisterAsync(GrainId grain, string name) => store.ReminderDeleteAsync(grain, name);
}
