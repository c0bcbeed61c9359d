namespace CortexHub.Agent;

/// <summary>
/// A wake-up signal for one consumer at a time. <see cref="Set"/> is never lost: it wakes the current waiter, or
/// the next <see cref="WaitAsync"/> returns at once, even when an earlier waiter was cancelled. Wake-ups may be
/// spurious, so a consumer re-checks its condition after each one.
/// </summary>
internal sealed class AsyncSignal
{
    private readonly Lock _lock = new();
    private TaskCompletionSource? _waiter;
    private bool _isSet;

    public void Set()
    {
        TaskCompletionSource? waiter;
        lock (_lock)
        {
            // Stays set even when a waiter is woken: that waiter may be one whose wait was already cancelled.
            _isSet = true;
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult();
    }

    public Task WaitAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_isSet)
            {
                _isSet = false;
                return Task.CompletedTask;
            }

            _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _waiter.Task.WaitAsync(cancellationToken);
        }
    }
}
