using System.Collections.Concurrent;
using System.Text.Json;
using CortexHub.Runtime.Activation;
using CortexHub.Runtime.Hosting;
using CortexHub.Runtime.Reminders;
using CortexHub.Runtime.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CortexHub.Runtime;

/// <summary>
/// The silo's grain runtime: the activation directory and the single entry point for calls.
/// A call runs on the silo where it is made; when two silos activate the same grain, version
/// checks on state writes keep them correct.
/// </summary>
internal sealed class GrainRuntime
{
    private readonly GrainTypeRegistry _registry;
    private readonly SiloKillSwitch _killSwitch;

    public GrainRuntime(
        GrainTypeRegistry registry,
        IGrainStateStore stateStore,
        ReminderRegistry reminders,
        SiloKillSwitch killSwitch,
        IOptions<GrainRuntimeOptions> options,
        TimeProvider time,
        IServiceProvider services,
        RuntimeMetrics metrics,
        ILogger<GrainRuntime> logger)
    {
        _registry = registry;
        _killSwitch = killSwitch;
        StateStore = stateStore;
        Reminders = reminders;
        Options = options.Value;
        Time = time;
        Services = services;
        Metrics = metrics;
        Logger = logger;
        GrainFactory = new GrainFactory(registry, this);
    }

    public ConcurrentDictionary<GrainId, ActivationSlot> Directory { get; } = new();

    public IGrainFactory GrainFactory { get; }

    public IGrainStateStore StateStore { get; }

    public ReminderRegistry Reminders { get; }

    public GrainRuntimeOptions Options { get; }

    public TimeProvider Time { get; }

    public IServiceProvider Services { get; }

    public RuntimeMetrics Metrics { get; }

    public ILogger Logger { get; }

    public JsonSerializerOptions StateSerializerOptions { get; } = new(JsonSerializerDefaults.Web);

    public Task<T> InvokeAsync<T>(GrainId id, GrainTypeInfo type, Func<Grain, Task<T>> call)
    {
        ThrowIfKilled();
        var item = new CallWorkItem<T>(call);
        while (true)
        {
            var slot = Directory.GetOrAdd(id, static (key, state) => new ActivationSlot(key, state.type, state.runtime), (type, runtime: this));
            if (slot.TryEnqueue(item))
            {
                Metrics.CallQueued();
                return item.Task;
            }

            // The slot retired between lookup and enqueue; the next lookup finds or makes a fresh one.
        }
    }

    /// <summary>Delivers a reminder tick to a grain by its persisted type name.</summary>
    public Task InvokeReminderAsync(GrainId id, string reminderName, ReminderTick tick)
    {
        if (!_registry.TryGetByName(id.Type, out var type))
        {
            throw new InvalidOperationException($"Reminder '{reminderName}' targets grain type '{id.Type}', which this silo does not host.");
        }

        return InvokeAsync(id, type, async grain =>
        {
            if (grain is not IRemindable remindable)
            {
                throw new InvalidOperationException($"Grain {id} received reminder '{reminderName}' but does not implement IRemindable.");
            }

            await remindable.ReceiveReminderAsync(reminderName, tick);
            return true;
        });
    }

    public async Task ConflictBackoffAsync(int attempt)
    {
        // Full jitter, so the silos racing for one grain stop colliding in lock step.
        var ceiling = Math.Min(Options.ConflictBackoffMax.TotalMilliseconds, Options.ConflictBackoffBase.TotalMilliseconds * Math.Pow(2, attempt - 1));
        var delay = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
        await Task.Delay(delay, Time);
    }

    /// <summary>Queues an idle check on every active slot idle past the configured age; returns how many were queued.</summary>
    public int CollectIdle()
    {
        var now = Time.GetUtcNow();
        var queued = 0;
        foreach (var slot in Directory.Values)
        {
            if (slot.IsActive && now - slot.LastActivity >= Options.IdleDeactivationAge && slot.TryEnqueue(new DeactivateWorkItem(DeactivationReason.Idle)))
            {
                queued++;
            }
        }

        return queued;
    }

    /// <summary>Graceful: runs every activation's deactivation (saving unsaved state), bounded by the caller's token.</summary>
    public async Task DeactivateAllAsync(CancellationToken cancellationToken)
    {
        var pending = new List<Task>();
        foreach (var slot in Directory.Values)
        {
            var item = new DeactivateWorkItem(DeactivationReason.SiloShutdown);
            if (slot.TryEnqueue(item))
            {
                pending.Add(item.Completion);
            }
        }

        await Task.WhenAll(pending).WaitAsync(cancellationToken);
    }

    /// <summary>Crash emulation: abandon every activation with no hooks and no saving.</summary>
    public void AbandonAll()
    {
        var killed = new SiloKilledException();
        foreach (var slot in Directory.Values)
        {
            slot.Abandon(killed);
        }

        Directory.Clear();
    }

    public void ThrowIfKilled() => _killSwitch.ThrowIfKilled();
}
