namespace CortexHub.Grains.Events;

/// <summary>Event bus settings. Bound from <c>CortexHub:Events</c>.</summary>
public sealed class EventBusOptions
{
    public const string SectionName = "CortexHub:Events";

    /// <summary>Events queued per subscriber; when full, newer events are counted as missed. Default 256.</summary>
    public int SubscriberCapacity { get; set; } = 256;

    /// <summary>A subscriber that has missed more than this many events is disconnected. Default 10,000.</summary>
    public int MaxMissed { get; set; } = 10_000;

    /// <summary>A subscriber that has not read for this long is considered gone and pruned. Default 60 seconds.</summary>
    public TimeSpan AbandonAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often abandoned subscribers are pruned. Default 10 seconds.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often each silo reads new events without a hint. Default 500 ms.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Events kept in the table for resuming subscribers. Default 1 hour.</summary>
    public TimeSpan HistoryRetention { get; set; } = TimeSpan.FromHours(1);
}
