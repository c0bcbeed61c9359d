using Microsoft.Extensions.Logging;

namespace CortexHub.Runtime.Activation;

/// <summary>
/// The mailbox of one grain on this silo and the instance currently serving it. Work items run
/// one at a time in arrival order on the thread pool (no thread per grain). The instance can be
/// dropped (version conflict), deactivated (idle, shutdown) and re-created while the mailbox lives;
/// the slot leaves the directory only when it has neither an instance nor queued work.
/// </summary>
internal sealed class ActivationSlot(GrainId id, GrainTypeInfo type, GrainRuntime runtime)
{
    private readonly Lock _gate = new();
    private readonly Queue<WorkItem> _queue = new();
    private bool _running;
    private bool _retired;
    private Grain? _instance;
    private long _lastActivityUtcTicks = runtime.Time.GetUtcNow().UtcTicks;

    public GrainId Id { get; } = id;

    public GrainTypeInfo Type { get; } = type;

    public GrainRuntime Runtime { get; } = runtime;

    public Grain? CurrentInstance => _instance;

    public bool IsActive => Volatile.Read(ref _instance) is not null;

    public DateTimeOffset LastActivity => new(Volatile.Read(ref _lastActivityUtcTicks), TimeSpan.Zero);

    /// <summary>Queues a work item; false when the slot has retired (look the grain up again).</summary>
    public bool TryEnqueue(WorkItem item)
    {
        lock (_gate)
        {
            if (_retired)
            {
                return false;
            }

            _queue.Enqueue(item);
            if (_running)
            {
                return true;
            }

            _running = true;
        }

        ThreadPool.UnsafeQueueUserWorkItem(static slot => _ = slot.RunAsync(), this, preferLocal: false);
        return true;
    }

    private async Task RunAsync()
    {
        while (true)
        {
            WorkItem? item;
            lock (_gate)
            {
                if (!_queue.TryDequeue(out item))
                {
                    _running = false;
                    return;
                }
            }

            try
            {
                await item.ExecuteAsync(this);
            }
            catch (Exception ex)
            {
                // Work items complete their own callers; reaching here is a runtime bug, and the
                // mailbox must keep serving the calls behind this one.
                Runtime.Logger.WorkItemCrashed(ex, Id.Type, Id.Key);
            }
        }
    }

    public async Task<Grain> EnsureActiveAsync()
    {
        if (_instance is { } active)
        {
            return active;
        }

        Runtime.ThrowIfKilled();
        var grain = Type.Create(Runtime.Services);
        var context = new ActivationContext(Id, Runtime, this);
        grain.Attach(context);
        try
        {
            await grain.LoadStateAsync(context.Lifetime.Token);
            await grain.OnActivateAsync(context.Lifetime.Token);
        }
        catch
        {
            context.Close();
            throw;
        }

        Touch();
        Volatile.Write(ref _instance, grain);
        Runtime.Metrics.ActivationCreated();
        return grain;
    }

    public bool IsOwnConflict(GrainVersionConflictException conflict) =>
        conflict.GrainType == Id.Type && conflict.GrainKey == Id.Key;

    public async Task EndTurnAsync(Grain grain, bool countsAsActivity = true)
    {
        if (countsAsActivity)
        {
            Touch();
        }

        await EndFailedTurnAsync(grain);
    }

    public async Task EndFailedTurnAsync(Grain grain)
    {
        if (!ReferenceEquals(_instance, grain))
        {
            return;
        }

        if (grain.Context.StateIsSuspect)
        {
            DropActivation();
            TryRetire();
        }
        else if (grain.Context.DeactivateAfterTurn)
        {
            await DeactivateAsync(DeactivationReason.Requested);
        }
    }

    /// <summary>Forgets the instance without deactivation hooks or saving: its state is stale or suspect.</summary>
    public void DropActivation()
    {
        var grain = Interlocked.Exchange(ref _instance, null);
        if (grain is not null)
        {
            grain.Context.Close();
            Runtime.Metrics.ActivationEnded();
        }
    }

    public async Task DeactivateAsync(DeactivationReason reason)
    {
        var grain = _instance;
        if (grain is not null)
        {
            using var timeout = new CancellationTokenSource(Runtime.Options.DeactivationTimeout);
            try
            {
                await grain.OnDeactivateAsync(reason, timeout.Token);
                if (grain.HasUnsavedState)
                {
                    await grain.SaveStateAsync(timeout.Token);
                }
            }
            catch (Exception ex)
            {
                // Nobody awaits a deactivation; a failed save is safe (storage keeps the last
                // written version) but worth an error line.
                Runtime.Logger.DeactivationFailed(ex, Id.Type, Id.Key, reason);
            }
            finally
            {
                DropActivation();
            }
        }

        TryRetire();
    }

    /// <summary>True when the instance has served no call for at least the idle age and nothing is queued.</summary>
    public bool IsIdle()
    {
        lock (_gate)
        {
            if (_queue.Count > 0)
            {
                return false;
            }
        }

        return _instance is not null && Runtime.Time.GetUtcNow() - LastActivity >= Runtime.Options.IdleDeactivationAge;
    }

    /// <summary>The silo was killed: fail queued callers, drop the instance, no hooks, no saving.</summary>
    public void Abandon(Exception reason)
    {
        List<WorkItem> orphans;
        lock (_gate)
        {
            _retired = true;
            orphans = [.. _queue];
            _queue.Clear();
        }

        foreach (var item in orphans)
        {
            item.Abandon(reason);
        }

        DropActivation();
    }

    private void TryRetire()
    {
        lock (_gate)
        {
            if (_retired || _queue.Count > 0 || _instance is not null)
            {
                return;
            }

            _retired = true;
            Runtime.Directory.TryRemove(new KeyValuePair<GrainId, ActivationSlot>(Id, this));
        }
    }

    private void Touch() => Volatile.Write(ref _lastActivityUtcTicks, Runtime.Time.GetUtcNow().UtcTicks);
}
