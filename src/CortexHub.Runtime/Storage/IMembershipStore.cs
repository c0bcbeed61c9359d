namespace CortexHub.Runtime.Storage;

/// <summary>The cluster table: which silos exist and when each last proved it was alive.</summary>
public interface IMembershipStore
{
    /// <summary>Inserts or replaces this silo's row as active.</summary>
    Task SiloRegisterAsync(SiloRecord silo, CancellationToken cancellationToken = default);

    /// <summary>Records a heartbeat; false when the row is gone or no longer active (the silo was declared dead).</summary>
    Task<bool> SiloHeartbeatAsync(string siloId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Marks every active silo silent since before <paramref name="deadline"/> dead and returns their ids (each id is returned to exactly one caller).</summary>
    Task<IReadOnlyList<string>> SiloMarkDeadAsync(DateTimeOffset deadline, string exceptSiloId, CancellationToken cancellationToken = default);

    /// <summary>Marks every other active silo dead at once; used by single-silo backends that hold an exclusive lock.</summary>
    Task<IReadOnlyList<string>> SiloMarkOthersDeadAsync(string siloId, CancellationToken cancellationToken = default);

    /// <summary>Marks a silo as having left gracefully.</summary>
    Task SiloLeaveAsync(string siloId, DateTimeOffset now, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SiloRecord>> SiloListAsync(CancellationToken cancellationToken = default);
}
