using CortexHub.Runtime.Activation;
using CortexHub.Runtime.Storage;
using CortexHub.Runtime.Timers;

namespace CortexHub.Runtime;

/// <summary>
/// Base class of grain implementations. One activation runs one call at a time, in arrival
/// order, so grain code needs no locks. Keep grain methods free of blocking waits: a call
/// from a grain to itself waits for its own turn and never completes.
/// </summary>
public abstract class Grain
{
    private ActivationContext? _context;

    /// <summary>This grain's key.</summary>
    public string GrainKey => Context.Id.Key;

    /// <summary>This grain's id (type name and key).</summary>
    public GrainId GrainId => Context.Id;

    /// <summary>References to other grains (calls to them run in their own turns).</summary>
    protected IGrainFactory GrainFactory => Context.Runtime.GrainFactory;

    /// <summary>The silo's clock; use it instead of DateTime.UtcNow so tests control time.</summary>
    protected TimeProvider Time => Context.Runtime.Time;

    internal ActivationContext Context =>
        _context ?? throw new InvalidOperationException("This grain is not attached to an activation; create grains through IGrainFactory.");

    internal void Attach(ActivationContext context) => _context = context;

    /// <summary>Runs once per activation before its first call (state, if any, is already loaded).</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Runs when the activation is deactivated gracefully (idle, silo shutdown, explicit request).
    /// Not called when the silo crashes, and not after a version conflict dropped the activation.
    /// </summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Drops this activation after the current turn without deactivation hooks or saving: use it when
    /// in-memory state may have moved ahead of storage (a write failed half-way). The next call reloads.
    /// </summary>
    protected void DiscardActivationAfterTurn() => Context.StateIsSuspect = true;

    /// <summary>Asks the runtime to deactivate this activation once the current turn ends.</summary>
    protected void DeactivateOnIdle() => Context.DeactivateAfterTurn = true;

    /// <summary>
    /// Registers a timer of this activation. Each tick runs as a turn (never concurrently with calls);
    /// a tick is skipped while the previous one is still waiting or running. Timers end with the
    /// activation and do not keep it from idle deactivation.
    /// </summary>
    protected IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        Context.RegisterTimer(callback, dueTime, period);

    /// <summary>
    /// Registers (or reschedules) a durable reminder: it fires through <see cref="IRemindable"/> even if this
    /// silo dies, on exactly one silo per due time. A null period makes a one-shot reminder.
    /// </summary>
    protected Task RegisterOrUpdateReminderAsync(string name, TimeSpan dueTime, TimeSpan? period)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (this is not IRemindable)
        {
            throw new InvalidOperationException($"Grain {GrainId} registers reminder '{name}' but does not implement IRemindable.");
        }

        return Context.Runtime.Reminders.RegisterAsync(GrainId, name, dueTime, period);
    }

    /// <summary>Removes a durable reminder; false when none of that name existed.</summary>
    protected Task<bool> UnregisterReminderAsync(string name) => Context.Runtime.Reminders.UnregisterAsync(GrainId, name);

    internal virtual Task LoadStateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal virtual bool HasUnsavedState => false;

    internal virtual Task SaveStateAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
