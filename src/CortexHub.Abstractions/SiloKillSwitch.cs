namespace CortexHub;

/// <summary>
/// Emulates a process crash inside one process (used by the TestCluster): once thrown, the silo
/// stops its loops and every storage call it makes fails, as if the process had vanished.
/// Production code never trips it.
/// </summary>
public sealed class SiloKillSwitch
{
    private readonly CancellationTokenSource _killed = new();

    public bool IsKilled => _killed.IsCancellationRequested;

    /// <summary>Cancelled when the silo is killed.</summary>
    public CancellationToken Token => _killed.Token;

    public void Kill() => _killed.Cancel();

    public void ThrowIfKilled()
    {
        if (_killed.IsCancellationRequested)
        {
            throw new SiloKilledException();
        }
    }
}
