namespace CortexHub.Storage;

/// <summary>What a storage backend tells the silo about itself, and its start-up work.</summary>
public interface IStorageBackend
{
    /// <summary>"sqlite" or "postgres"; shown in logs and health output.</summary>
    string Name { get; }

    /// <summary>Checks connectivity, takes any exclusive lock and applies pending schema migrations.</summary>
    /// <exception cref="StorageUnavailableException">Storage cannot be reached or locked.</exception>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>A cheap round trip used by readiness checks.</summary>
    Task PingAsync(CancellationToken cancellationToken);
}
