namespace CortexHub.Runtime.Reminders;

/// <summary>Durable reminder settings. Bound from <c>CortexHub:Reminders</c>.</summary>
public sealed class ReminderOptions
{
    public const string SectionName = "CortexHub:Reminders";

    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultLeaseDuration = TimeSpan.FromMinutes(1);
    public const int DefaultBatchSize = 100;
    public static readonly TimeSpan DefaultFailureRetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>How often each silo looks for due reminders when no notification woke it. Default 1 second.</summary>
    public TimeSpan PollInterval { get; set; } = DefaultPollInterval;

    /// <summary>How long a claimed reminder stays leased to the silo firing it; a tick running longer may fire again elsewhere. Default 1 minute.</summary>
    public TimeSpan LeaseDuration { get; set; } = DefaultLeaseDuration;

    /// <summary>Most reminders one silo claims per round. Default 100.</summary>
    public int BatchSize { get; set; } = DefaultBatchSize;

    /// <summary>When a reminder's grain throws, a one-shot reminder is tried again after this delay. Default 30 seconds.</summary>
    public TimeSpan FailureRetryDelay { get; set; } = DefaultFailureRetryDelay;
}
