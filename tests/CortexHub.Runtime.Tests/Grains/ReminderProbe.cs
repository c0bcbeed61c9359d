using System.Collections.Concurrent;

namespace CortexHub.Runtime.Tests.Grains;

/// <summary>Records every reminder firing across all silos of a test; can make the first firing hang (to kill its silo mid-tick).</summary>
public sealed class ReminderProbe
{
    private readonly TaskCompletionSource<ReminderFire> _firstHung = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _hangs;

    public ConcurrentQueue<ReminderFire> Fires { get; } = new();

    /// <summary>When set, the first firing records itself and then never completes.</summary>
    public bool HangFirstFiring { get; set; }

    public Task<ReminderFire> FirstHungFiring => _firstHung.Task;

    public async Task OnFiredAsync(ReminderFire fire)
    {
        if (HangFirstFiring && Interlocked.Exchange(ref _hangs, 1) == 0)
        {
            _firstHung.TrySetResult(fire);
            await new TaskCompletionSource().Task;
        }

        Fires.Enqueue(fire);
    }
}
