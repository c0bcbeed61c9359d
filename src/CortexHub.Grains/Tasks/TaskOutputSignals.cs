using System.Collections.Concurrent;

namespace CortexHub.Grains.Tasks;

/// <summary>
/// In-silo pulses "task X has new journal rows", so followers on the silo that stored them wake at
/// once; followers elsewhere notice on their next short poll (no cross-silo message per batch).
/// </summary>
public sealed class TaskOutputSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new(StringComparer.Ordinal);

    /// <summary>A task that completes on the task's next pulse.</summary>
    public Task NextAsync(string taskId) =>
        _signals.GetOrAdd(taskId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>A follower that stopped drops the signal it was waiting on (unless another follower shares it, a pulse would have).</summary>
    public void Release(string taskId, Task signal)
    {
        if (_signals.TryGetValue(taskId, out var current) && current.Task == signal && !signal.IsCompleted)
        {
            _signals.TryRemove(new KeyValuePair<string, TaskCompletionSource>(taskId, current));
        }
    }

    public void Pulse(string taskId)
    {
        if (_signals.TryRemove(taskId, out var signal))
        {
            signal.TrySetResult();
        }
    }
}
