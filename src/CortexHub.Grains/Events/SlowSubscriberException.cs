namespace CortexHub.Grains.Events;

/// <summary>Ends a subscription that fell too far behind (it can resubscribe from its last event id).</summary>
public sealed class SlowSubscriberException(long missed)
    : Exception($"The subscriber fell {missed} events behind and was disconnected; resubscribe from the last event id it saw.")
{
    public long Missed { get; } = missed;
}
