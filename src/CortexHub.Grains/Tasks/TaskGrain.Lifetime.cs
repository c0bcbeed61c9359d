using CortexHub.Grains.Nodes;
using CortexHub.Runtime.Storage;
using Microsoft.Extensions.Logging;

namespace CortexHub.Grains.Tasks;

/// <summary>
/// Durable timers of a task (reminders, so they fire even if every silo restarts): while it runs,
/// a liveness check turns it <c>lost</c> when its node stays away past the grace; once finished,
/// a purge removes its journal and result after the retention period.
/// </summary>
public sealed partial class TaskGrain
{
    private const string LivenessReminder = "liveness";
    private const string PurgeReminder = "purge";

    private TimeSpan LivenessPeriod => TimeSpan.FromTicks(Math.Clamp(_options.LostGrace.Ticks / 3, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromSeconds(30).Ticks));

    public async Task ReceiveReminderAsync(string reminderName, ReminderTick tick)
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

    private async Task OnFinishedAsync()
    {
        await notifier.HintAsync(logger, HubChannels.TaskFinished, GrainKey);
        await RegisterOrUpdateReminderAsync(PurgeReminder, _options.Retention, period: null);
        await UnregisterReminderAsync(LivenessReminder);
    }

    private async Task CheckLivenessAsync()
    {
        await CatchUpAsync();
        if (State.Spec is null || TaskTransitions.IsTerminal(State.State))
        {
            await UnregisterReminderAsync(LivenessReminder);
            return;
        }

        var now = Time.GetUtcNow();
        if (await NodeServesUsAsync(State.Spec.NodeId))
        {
            State = State with { NodeSeenAt = now };
            return;
        }

        // Only a started task is bound to its node's process; a dispatched one waits in the outbox for the node.
        var away = now - (State.NodeSeenAt ?? now);
        if (State.State == TaskState.Running && away >= _options.LostGrace)
        {
            LogLost(GrainKey, State.Spec.NodeId, away);
            await TransitionAsync(TaskState.Lost, new TaskResultInfo(null, $"Node {State.Spec.NodeId} did not come back within {_options.LostGrace}.", null));
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

        var cluster = await silos.SiloListAsync();
        return cluster.Any(s => s.SiloId == node.SiloId && s.Status == SiloStatus.Active);
    }

    private async Task PurgeAsync()
    {
        await events.TaskEventsDeleteAsync(GrainKey);
        await ClearStateAsync();
        _stdout = new(0, 0);
        _stderr = new(0, 0);
        _buffersFromVersion = StateVersion;
        DeactivateOnIdle();
    }

    [LoggerMessage(4102, LogLevel.Warning, "Task {TaskId} is lost: node {NodeId} has been away for {Away}")]
    private partial void LogLost(string taskId, string nodeId, TimeSpan away);
}
