using CortexHub.Runtime.Timers;

namespace CortexHub.Runtime.Activation;

/// <summary>What one grain instance knows about its activation: id, runtime, timers and per-turn flags.</summary>
internal sealed class ActivationContext(GrainId id, GrainRuntime runtime, ActivationSlot slot)
{
    private readonly List<GrainTimer> _timers = [];

    public GrainId Id { get; } = id;

    public GrainRuntime Runtime { get; } = runtime;

    public ActivationSlot Slot { get; } = slot;

    /// <summary>Set by the grain during a turn; the slot deactivates after that turn.</summary>
    public bool DeactivateAfterTurn { get; set; }

    /// <summary>A state write or clear failed: memory may disagree with storage, so the slot drops this instance.</summary>
    public bool StateIsSuspect { get; set; }

    /// <summary>Cancelled when this activation ends, so timers and long turns can stop.</summary>
    public CancellationTokenSource Lifetime { get; } = new();

    public IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new GrainTimer(this, callback, dueTime, period);
        _timers.Add(timer);
        timer.Start();
        return timer;
    }

    /// <summary>Stops timers and cancels the lifetime token; called once when the activation ends.</summary>
    public void Close()
    {
        foreach (var timer in _timers)
        {
            timer.Dispose();
        }

        _timers.Clear();
        Lifetime.Cancel();
        Lifetime.Dispose();
    }
}
