using CortexHub.Grains.Nodes;
using CortexHub.Grains.Pool;
using CortexHub.Protocol.V1;
using CortexHub.Storage;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace CortexHub.Grains.Tasks;

/// <summary>
/// Durable timers of a task (Orleans reminders, so they fire even if every silo restarts): while
/// it runs, a liveness check turns it <c>lost</c> when its node stays away past the grace; once
/// finished, a purge removes its journal and result after the retention period.
/// </summary>
public sealed partial class TaskGrain
{
    private const string LivenessReminder = "liveness";
    private const string PurgeReminder = "purge";

    private DateTimeOffset _activatedAt;

    private TimeSpan LivenessPeriod => TimeSpan.FromTicks(Math.Clamp(_options.LostGrace.Ticks / 3, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromSeconds(30).Ticks));

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        switch (reminderName)
        {
            case PurgeReminder:
                await PurgeAsync();
                break;
            case LivenessReminder:
                await CheckLivenessAsync();
                break;
        }
    }

    /// <summary>
    /// Gives the task up for good: a task that does not exist yet never will (a dispatch arriving
    /// later, say from a silo that stalled mid-claim, is refused), and an unfinished one is lost, its
    /// undelivered dispatch withdrawn and its node told to stop it. Only after this may a pool item
    /// run again elsewhere without two runs at once.
    /// </summary>
    public async Task<TaskSnapshot> AbandonAsync(string reason)
    {
        if (State.Spec is null)
        {
            if (State.State != TaskState.Lost)
            {
                var now = time.GetUtcNow();
                State = State with { State = TaskState.Lost, Transitions = Stamp(State, TaskState.Lost, now), Result = new TaskResultInfo(null, reason, null) };
                await SaveAsync();
                await RegisterPurgeAsync();
            }

            return Snapshot();
        }

        if (!TaskTransitions.IsTerminal(State.State))
        {
            LogAbandoned(TaskId, State.Spec.NodeId, reason);
            await LoseAsync(reason);
        }

        return Snapshot();
    }

    /// <summary>
    /// Marks the task lost, withdraws its undelivered dispatch and tells its node to stop it: a node
    /// that comes back still running it learns that its work is no longer wanted.
    /// </summary>
    private async Task LoseAsync(string reason)
    {
        var nodeId = State.Spec!.NodeId;
        await outbox.NodeCommandDeleteAsync(nodeId, DispatchCommandId(TaskId));
        await TransitionAsync(TaskState.Lost, new TaskResultInfo(null, reason, null));
        await EnqueueAsync(nodeId, "cancel:" + TaskId, new HubMessage { Cancel = new CancelTask { CommandId = "cancel:" + TaskId, TaskId = TaskId, Reason = reason } });
    }

    public async Task SyncPoolAsync()
    {
        if (TaskTransitions.IsTerminal(State.State))
        {
            await ReportToPoolAsync();
        }
    }

    private async Task OnFinishedAsync()
    {
        await ReportToPoolAsync();
        await notifier.HintAsync(logger, HubChannels.TaskFinished, TaskId);
        await RegisterPurgeAsync();
        await UnregisterReminderAsync(LivenessReminder);
    }

    /// <summary>
    /// The purge is due after the retention period. Orleans reminders repeat, so it repeats at the
    /// same period and the purge itself ends it (a purge that failed runs again one period later).
    /// </summary>
    private Task RegisterPurgeAsync() => this.RegisterOrUpdateReminder(PurgeReminder, _options.Retention, _options.Retention);

    private async Task UnregisterReminderAsync(string name)
    {
        if (await this.GetReminder(name) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>True once this activation told the pool the task's outcome (or the task is not a pool task).</summary>
    private bool _poolReported;

    /// <summary>
    /// A pool task's outcome ends its lease: success completes the item, anything else fails the
    /// attempt (retry or dead letter). Idempotent (the lease term makes a repeat a no-op); if the
    /// pool cannot be told now, the reaper's stale-claim audit asks again later.
    /// </summary>
    private async Task ReportToPoolAsync()
    {
        if (State.Spec?.Pool is not { } claim)
        {
            _poolReported = true;
            return;
        }

        try
        {
            var pool = workPool;
            if (State.State == TaskState.Succeeded)
            {
                await pool.CompleteAsync(claim, State.Result?.ExitCode ?? 0);
            }
            else
            {
                var error = State.Result?.Error is { Length: > 0 } e ? e
                    : State.Result?.ExitCode is { } code ? $"Task {TaskId} exited with code {code}."
                    : $"Task {TaskId} ended {State.State.ToString().ToLowerInvariant()}.";
                await pool.FailAsync(claim, error, State.Result?.ExitCode);
            }

            _poolReported = true;
        }
        catch (StorageUnavailableException ex)
        {
            LogPoolReportFailed(ex, TaskId, claim.ItemId, ErrorId.New());
        }
    }

    private async Task CheckLivenessAsync()
    {
        if (State.Spec is null || TaskTransitions.IsTerminal(State.State))
        {
            await UnregisterReminderAsync(LivenessReminder);
            return;
        }

        var now = time.GetUtcNow();
        if (await NodeServesUsAsync(State.Spec.NodeId))
        {
            State = State with { NodeSeenAt = now };
            return;
        }

        // Only a started task is bound to its node's process; a dispatched one waits in the outbox for the node.
        // The stored NodeSeenAt can be old (sightings between saves live only in memory), so a fresh
        // activation (after a drain or a silo's death) counts the absence from no earlier than its own
        // start: it may declare a task lost up to one grace late, never while its node is merely reconnecting.
        var seen = State.NodeSeenAt is { } at && at > _activatedAt ? at : _activatedAt;
        var away = now - seen;
        if (State.State == TaskState.Running && away >= _options.LostGrace)
        {
            LogLost(TaskId, State.Spec.NodeId, away);
            await LoseAsync($"Node {State.Spec.NodeId} did not come back within {_options.LostGrace}.");
        }
    }

    /// <summary>The node has a live stream on a live silo (a silo that died leaves its nodes marked online).</summary>
    private async Task<bool> NodeServesUsAsync(string nodeId)
    {
        var node = await GrainFactory.GetGrain<INodeGrain>(nodeId).GetAsync();
        if (node.Status != NodeStatus.Online || node.SiloId is null)
        {
            return false;
        }

        return silos.IsActive(node.SiloId);
    }

    private async Task PurgeAsync()
    {
        await events.TaskEventsDeleteAsync(TaskId);
        await directory.DeleteAsync(TaskId);
        await task.ClearStateAsync();
        await input.ClearStateAsync();
        await UnregisterReminderAsync(PurgeReminder);
        _stdout = new(0, 0);
        _stderr = new(0, 0);
        this.DeactivateOnIdle();
    }

    [LoggerMessage(4103, LogLevel.Warning, "Task {TaskId} is lost: node {NodeId}: {Reason}")]
    private partial void LogAbandoned(string taskId, string nodeId, string reason);

    [LoggerMessage(4104, LogLevel.Warning, "Task {TaskId} could not report its outcome to pool item {ItemId} (error id {ErrorId}); the pool reaper asks again later")]
    private partial void LogPoolReportFailed(Exception exception, string taskId, string itemId, string errorId);

    [LoggerMessage(4108, LogLevel.Warning, "Task {TaskId}: node {NodeId}'s grain refused the dispatch hand-over; its stream is woken to read the outbox instead")]
    private partial void LogHandOverRefused(Exception exception, string taskId, string nodeId);

    [LoggerMessage(4106, LogLevel.Information, "Task {TaskId}: could not wake node {NodeId}'s stream; it reads the queued command at its next outbox poll")]
    private partial void LogWakeLost(Exception exception, string taskId, string nodeId);

    [LoggerMessage(4102, LogLevel.Warning, "Task {TaskId} is lost: node {NodeId} has been away for {Away}")]
    private partial void LogLost(string taskId, string nodeId, TimeSpan away);
}
