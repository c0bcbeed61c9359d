using System.Collections.Concurrent;

namespace CortexHub.Storage;

/// <summary>Notifications within one process: enough for a single-silo backend (SQLite).</summary>
public sealed class InProcessClusterNotifier : IClusterNotifier
{
    private readonly ConcurrentDictionary<string, ImmutableHandlers> _handlers = new(StringComparer.Ordinal);

    public event Action? Resync;

    public Task NotifyAsync(string channel, string payload, CancellationToken cancellationToken = default)
    {
        if (_handlers.TryGetValue(channel, out var handlers))
        {
            foreach (var handler in handlers.Items)
            {
                handler(payload);
            }
        }

        return Task.CompletedTask;
    }

    public IDisposable Subscribe(string channel, Action<string> onNotification)
    {
        _handlers.AddOrUpdate(channel, _ => new([onNotification]), (_, existing) => new([.. existing.Items, onNotification]));
        return new Subscription(() => _handlers.AddOrUpdate(channel, _ => new([]), (_, existing) => new([.. existing.Items.Where(h => h != onNotification)])));
    }

    /// <summary>Raises <see cref="Resync"/>; exposed for symmetry with networked notifiers and for tests.</summary>
    public void RaiseResync() => Resync?.Invoke();

    private sealed record ImmutableHandlers(Action<string>[] Items);

    private sealed class Subscription(Action unsubscribe) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                unsubscribe();
            }
        }
    }
}
