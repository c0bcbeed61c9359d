namespace CortexHub.Runtime.Storage;

/// <summary>What a storage backend tells the runtime about itself, and its start-up work.</summary>
public interface IStorageBackend
{
    /// <summary>"sqlite" or "postgres"; shown in logs and health output.</summary>
    string Name { get; }

    /// <summary>True when the backend guarantees that no other silo can use the same store (SQLite's file lock).</summary>
    bool IsSingleSilo { get; }

    /// <summary>Checks connectivity, takes any exclusive lock and applies pending schema migrations.</summary>
    /// <exception cref="StorageUnavailableException">Storage cannot be reached or locked.</exception>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>A cheap round trip used by readiness checks.</summary>
    Task PingAsync(CancellationToken cancellationToken);
}
