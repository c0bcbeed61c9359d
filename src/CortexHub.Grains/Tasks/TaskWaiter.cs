using System.Collections.Concurrent;
using CortexHub.Storage;
using Microsoft.Extensions.Options;

namespace CortexHub.Grains.Tasks;

/// <summary>
/// Long-poll for task completion from any silo: woken by the <c>task-finished</c> hint (from
/// whichever silo stored the result) and, should a hint be lost, by a periodic re-read.
/// </summary>
public sealed class TaskWaiter : IDisposable
{
    private readonly Orleans.IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly TimeSpan _recheck;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<TaskCompletionSource, byte>> _waiting = new(StringComparer.Ordinal);
    private readonly IDisposable _subscription;

    public TaskWaiter(Orleans.IGrainFactory grains, IClusterNotifier notifier, TimeProvider time, IOptions<JournalOptions> options)
    {
        _grains = grains;
        _time = time;
        _recheck = options.Value.WaitRecheckInterval;
        _subscription = notifier.Subscribe(HubChannels.TaskFinished, Wake);
        notifier.Resync += WakeAll;
    }

    /// <summary>
    /// Returns the task once it has finished, or its current snapshot when <paramref name="timeout"/>
    /// passes first (check <see cref="TaskSnapshot.IsFinished"/>).
    /// </summary>
    public async Task<TaskSnapshot> WaitAsync(string taskId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var grain = _grains.GetGrain<ITaskGrain>(taskId);
        while (true)
        {
            // Register before reading, so a result stored in between still wakes us.
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var signals = _waiting.GetOrAdd(taskId, _ => new());
            signals.TryAdd(signal, 0);
            try
            {
                var snapshot = await grain.GetAsync();
                if (snapshot.IsFinished || !snapshot.Exists)
                {
                    return snapshot;
                }

                await signal.Task.WaitAsync(_recheck, _time, deadline.Token);
            }
            catch (TimeoutException)
            {
                // Re-read: a hint may have been lost.
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return await grain.GetAsync();
            }
            finally
            {
                // A waiter that gave up leaves nothing behind for a task that may never finish.
                signals.TryRemove(signal, out _);
                if (signals.IsEmpty)
                {
                    // Racing with a new waiter only costs it the hint; its recheck still finds the result.
                    _waiting.TryRemove(new KeyValuePair<string, ConcurrentDictionary<TaskCompletionSource, byte>>(taskId, signals));
                }
            }
        }
    }

    private void Wake(string taskId)
    {
        if (_waiting.TryRemove(taskId, out var signals))
        {
            foreach (var signal in signals.Keys)
            {
                signal.TrySetResult();
            }
        }
    }

    private void WakeAll()
    {
        foreach (var taskId in _waiting.Keys)
        {
            Wake(taskId);
        }
    }

    public void Dispose() => _subscription.Dispose();
}
