namespace CortexHub.Storage;

/// <summary>
/// Cross-silo notifications (PostgreSQL LISTEN/NOTIFY; in-process for SQLite). They are hints
/// only: the tables are the truth, so a lost notification may delay work but never lose it.
/// After a reconnect the notifier raises <see cref="Resync"/> so listeners re-read the tables.
/// </summary>
public interface IClusterNotifier
{
    /// <summary>Best effort: a failure is logged by the caller's choice, never fatal.</summary>
    Task NotifyAsync(string channel, string payload, CancellationToken cancellationToken = default);

    /// <summary>Starts receiving notifications of a channel until the returned handle is disposed.</summary>
    IDisposable Subscribe(string channel, Action<string> onNotification);

    /// <summary>Raised after the notifier (re)connected: notifications may have been missed meanwhile.</summary>
    event Action? Resync;
}
