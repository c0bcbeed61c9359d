namespace CortexHub;

/// <summary>Implemented by grains that register durable reminders.</summary>
public interface IRemindable : IGrain
{
    /// <summary>
    /// Called at least once per due time of a reminder, on exactly one silo while that silo
    /// holds the reminder's lease. A reminder survives the death of the silo that registered it.
    /// </summary>
    Task ReceiveReminderAsync(string reminderName, ReminderTick tick);
}
