namespace CortexHub.Grains.Events;

/// <summary>What a subscriber reads: an event, or a gap marker saying how many events it missed for being slow.</summary>
public sealed record EventEnvelope(HubEvent? Event, long Missed)
{
    public bool IsGap => Event is null;
}
