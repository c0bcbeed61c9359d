namespace CortexHub.Grains.Events;

/// <summary>
/// What a subscriber reads: an event; a gap marker saying how many events it missed for being slow;
/// or, first on a resume, a marker saying that retention removed stored events it asked for.
/// </summary>
public sealed record EventEnvelope(HubEvent? Event, long Missed, PrunedEvents? Pruned = null)
{
    public bool IsGap => Event is null && Pruned is null;
}

/// <summary>Events with ids in (<paramref name="After"/>, <paramref name="Through"/>] may have been removed by retention before they could be replayed.</summary>
public sealed record PrunedEvents(long After, long Through);
