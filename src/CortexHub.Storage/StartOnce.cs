namespace CortexHub.Storage;

/// <summary>
/// Runs a start-up step once however often it is asked for (the Orleans silo's lifecycle and the
/// host both start storage); callers that come while it runs wait for it. A failed start is not
/// remembered, so a later call tries again.
/// </summary>
public sealed class StartOnce
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _started;

    public async Task RunAsync(Func<CancellationToken, Task> start, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_started)
            {
                await start(cancellationToken);
                _started = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
