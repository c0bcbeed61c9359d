namespace CortexHub.Agent.Tasks;

/// <summary>The last N ids seen, for deduplication; the oldest is forgotten first. Not thread-safe.</summary>
internal sealed class RecentIdSet(int capacity)
{
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    /// <summary>Remembers <paramref name="id"/>; false when it was already remembered.</summary>
    public bool Add(string id)
    {
        if (!_ids.Add(id))
        {
            return false;
        }

        _order.Enqueue(id);
        if (_order.Count > capacity)
        {
            _ids.Remove(_order.Dequeue());
        }

        return true;
    }

    public bool Contains(string id) => _ids.Contains(id);
}
