namespace CortexHub.Grains.Events;

/// <summary>The event table: the truth behind the bus, so subscribers on any silo (and reconnecting ones) see every event.</summary>
public interface IEventStore
{
    /// <summary>Appends drafts in one statement, in list order (ids increase in that order).</summary>
    Task EventAppendManyAsync(IReadOnlyList<HubEventDraft> drafts, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Events after <paramref name="afterId"/> plus the listed ids (late commits), in id order.</summary>
    Task<IReadOnlyList<HubEvent>> EventReadAsync(long afterId, IReadOnlyCollection<long> alsoIds, int limit, CancellationToken cancellationToken = default);

    Task<long> EventLastIdAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes events stored before <paramref name="before"/> and raises the horizon to the highest id removed.</summary>
    Task<int> EventPruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default);

    /// <summary>The highest event id retention has removed (0 if none): a resume from below it may miss events.</summary>
    Task<long> EventPrunedThroughAsync(CancellationToken cancellationToken = default);
}
