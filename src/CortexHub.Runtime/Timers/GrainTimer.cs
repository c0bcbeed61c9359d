using CortexHub.Runtime.Activation;

namespace CortexHub.Runtime.Timers;

/// <summary>
/// A per-activation timer. Ticks are queued into the activation's mailbox as turns; while one tick
/// is queued or running the next is skipped, so a slow callback never piles up work.
/// </summary>
internal sealed class GrainTimer(ActivationContext owner, Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) : IDisposable
{
    private ITimer? _timer;
    private int _pending;
    private volatile bool _disposed;

    public ActivationContext Owner { get; } = owner;

    public bool IsDisposed => _disposed;

    public void Start() =>
        _timer = Owner.Runtime.Time.CreateTimer(static s => ((GrainTimer)s!).OnTick(), this, dueTime, period <= TimeSpan.Zero ? Timeout.InfiniteTimeSpan : period);

    private void OnTick()
    {
        if (_disposed || Interlocked.Exchange(ref _pending, 1) == 1)
        {
            return;
        }

        if (!Owner.Slot.TryEnqueue(new TimerWorkItem(this)))
        {
            _pending = 0;
        }
    }

    /// <summary>Runs inside the owner's turn.</summary>
    public async Task RunAsync()
    {
        try
        {
            if (!_disposed)
            {
                await callback(Owner.Lifetime.Token);
            }
        }
        finally
        {
            _pending = 0;
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _timer?.Dispose();
    }
}
