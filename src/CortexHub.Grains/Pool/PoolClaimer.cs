namespace CortexHub.Grains.Pool;

/// <summary>
/// A node stream waiting for pool work on this silo: its labels, how many items it runs at once
/// (slots) and the pool tasks it runs now. The dispatcher claims for it while slots are free.
/// </summary>
public sealed class PoolClaimer : IDisposable
{
    private readonly PoolDispatcher _dispatcher;
    private readonly HashSet<string> _inFlight;
    private int _slots;

    internal PoolClaimer(PoolDispatcher dispatcher, string nodeId, string owner, IReadOnlyDictionary<string, string> labels, int slots, IEnumerable<string> inFlight)
    {
        _dispatcher = dispatcher;
        NodeId = nodeId;
        Owner = owner;
        Labels = labels;
        _slots = Math.Max(0, slots);
        _inFlight = new HashSet<string>(inFlight, StringComparer.Ordinal);
    }

    public string NodeId { get; }

    /// <summary>The node's owner: a node runs only its owner's pool items.</summary>
    public string Owner { get; }

    public IReadOnlyDictionary<string, string> Labels { get; }

    public int FreeSlots
    {
        get
        {
            lock (_inFlight)
            {
                return Math.Max(0, _slots - _inFlight.Count);
            }
        }
    }

    /// <summary>The pool tasks this node runs now (claimed through this silo or found at reconnect).</summary>
    public IReadOnlyCollection<string> InFlight
    {
        get
        {
            lock (_inFlight)
            {
                return [.. _inFlight];
            }
        }
    }

    /// <summary>The node asked for a different number of slots (0 stops new offers).</summary>
    public void SetSlots(int slots)
    {
        Volatile.Write(ref _slots, Math.Max(0, slots));
        _dispatcher.Wake();
    }

    /// <summary>A task of this node ended (its result is durable); if it was a pool task, its slot is free again.</summary>
    public void TaskFinished(string taskId)
    {
        bool removed;
        lock (_inFlight)
        {
            removed = _inFlight.Remove(taskId);
        }

        if (removed)
        {
            _dispatcher.Wake();
        }
    }

    internal void Started(string taskId)
    {
        lock (_inFlight)
        {
            _inFlight.Add(taskId);
        }
    }

    public void Dispose() => _dispatcher.Detach(this);
}
