namespace CortexHub.Grains.Pool;

/// <summary>
/// A work item's lifecycle: available → claimed (a lease) → done; a failed or expired claim goes
/// back to available (after a backoff) until its attempts are used up, then to dead (a dead
/// letter, kept until requeued or deleted). Cancelled items never run again.
/// </summary>
public enum PoolItemState
{
    Available,
    Claimed,
    Done,
    Dead,
    Cancelled,
}
