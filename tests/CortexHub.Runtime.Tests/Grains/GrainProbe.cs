using System.Collections.Concurrent;

namespace CortexHub.Runtime.Tests.Grains;

/// <summary>Shared by every silo of a test: grains report lifecycle events here and tests await them.</summary>
public sealed class GrainProbe
{
    private readonly ConcurrentQueue<(string Event, string Key)> _events = new();
    private readonly List<(Func<(string Event, string Key), bool> Match, TaskCompletionSource Signal)> _waiters = [];

    public int Activations => _events.Count(e => e.Event == "activate");

    public int Count(string evt, string key) => _events.Count(e => e.Event == evt && e.Key == key);

    public void Record(string evt, string key)
    {
        _events.Enqueue((evt, key));
        lock (_waiters)
        {
            foreach (var waiter in _waiters.Where(w => w.Match((evt, key))).ToList())
            {
                waiter.Signal.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Completes when an event matching <paramref name="evt"/> and <paramref name="key"/> is recorded from now on.</summary>
    public Task WaitForAsync(string evt, string key, TimeSpan timeout)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            _waiters.Add((e => e.Event == evt && e.Key == key, signal));
        }

        return signal.Task.WaitAsync(timeout);
    }
}
