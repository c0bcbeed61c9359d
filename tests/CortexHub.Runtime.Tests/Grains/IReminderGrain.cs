namespace CortexHub.Runtime.Tests.Grains;

public interface IReminderGrain : IRemindable
{
    Task ScheduleAsync(string name, TimeSpan dueTime, TimeSpan? period);

    Task<bool> CancelAsync(string name);
}
