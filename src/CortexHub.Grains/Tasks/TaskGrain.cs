using CortexHub.Grains.Events;
using CortexHub.Grains.Journal;
using CortexHub.Grains.Pool;
using CortexHub.Grains.Storage;
using CortexHub.Protocol.V1;
using CortexHub.Runtime;
using CortexHub.Runtime.Storage;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CortexHub.Grains.Tasks;

/// <summary>
/// One task: its state machine (this file), its journal (<c>TaskGrain.Journal.cs</c>) and its
/// durable timers for lost detection and retention (<c>TaskGrain.Lifetime.cs</c>).
/// </summary>
[GrainType("task")]
public sealed partial class TaskGrain(
    ITaskEventStore events,
    INodeOutboxStore outbox,
    IClusterNotifier notifier,
    IMembershipStore silos,
    TaskOutputSignals outputSignals,
    EventHub hub,
    WorkPool workPool,
    Orleans.IGrainFactory cluster, // the grains that already moved to Orleans (nodes)
    IOptions<JournalOptions> options,
    ILogger<TaskGrain> logger) : Grain<TaskGrainState>, ITaskGrain, IRemindable
{
    private readonly JournalOptions _options = options.Value;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activatedAt = Time.GetUtcNow();
        await CatchUpWithJournalAsync(cancellationToken);

        // A silo may have died between recording a pool task's result and telling the pool; telling it again is harmless.
        if (State.Spec?.Pool is not null && TaskTransitions.IsTerminal(State.State))
        {
            await ReportToPoolAsync();
        }
    }

    public async Task<TaskSnapshot> DispatchAsync(TaskSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (State.Spec is null && State.State == TaskState.Lost)
        {
            throw new InvalidOperationException($"Task {GrainKey} was abandoned before it was dispatched: {State.Result?.Error}");
        }

        if (State.Spec is not null)
        {
            if (!State.Spec.IsSameRequestAs(spec))
            {
                throw new InvalidOperationException($"Task {GrainKey} already exists (state {State.State}).");
            }

            // The same dispatch again: a client retrying, or this call retried after a version conflict
            // (the node's silo may move the task on between our writes). Finish what the first one may
            // not have; the task itself exists once.
            if (!TaskTransitions.IsTerminal(State.State))
            {
                await RegisterOrUpdateReminderAsync(LivenessReminder, LivenessPeriod, LivenessPeriod);
            }

            if (State.State == TaskState.Queued)
            {
                await EnqueueAsync(spec.NodeId, DispatchCommandId(GrainKey), new HubMessage { Dispatch = DispatchMessage(spec) });
                await TransitionAsync(TaskState.Dispatched);
            }

            return Snapshot();
        }

        Validate(spec);
        var now = Time.GetUtcNow();
        State = State with { Spec = spec, State = TaskState.Queued, Transitions = Stamp(State, TaskState.Queued, now), NodeSeenAt = now };
        ResetBuffers();
        await SaveAsync();

        // State first, then the side effect: a retried dispatch re-enqueues the same command id, which the outbox ignores.
        var dispatch = DispatchMessage(spec);
        await EnqueueAsync(spec.NodeId, dispatch.CommandId, new HubMessage { Dispatch = dispatch });
        await RegisterOrUpdateReminderAsync(LivenessReminder, LivenessPeriod, LivenessPeriod);
        await TransitionAsync(TaskState.Dispatched);
        return Snapshot();
    }

    private DispatchTask DispatchMessage(TaskSpec spec)
    {
        var dispatch = new DispatchTask
        {
            CommandId = DispatchCommandId(GrainKey),
            TaskId = GrainKey,
            Command = spec.Command,
            WorkingDirectory = spec.WorkingDirectory ?? "",
            TimeoutSeconds = (uint)(spec.Timeout?.TotalSeconds ?? 0),
        };
        foreach (var (key, value) in spec.Environment ?? new Dictionary<string, string>())
        {
            dispatch.Environment[key] = value;
        }

        return dispatch;
    }

    /// <summary>The outbox command id of a task's dispatch (the outbox ignores a repeat of it).</summary>
    public static string DispatchCommandId(string taskId) => "dispatch:" + taskId;

    public async Task<TaskSnapshot> CancelAsync(string reason)
    {
        await CatchUpAsync();
        if (State.Spec is null || TaskTransitions.IsTerminal(State.State))
        {
            return Snapshot();
        }

        var cancel = new CancelTask { CommandId = "cancel:" + GrainKey, TaskId = GrainKey, Reason = reason };
        await EnqueueAsync(State.Spec.NodeId, cancel.CommandId, new HubMessage { Cancel = cancel });
        return Snapshot();
    }

    public async Task<long?> GetResumePointAsync(string nodeId)
    {
        await CatchUpAsync();
        if (State.Spec?.NodeId != nodeId)
        {
            return null;
        }

        // The node is back and still runs the task: it is not lost.
        State = State with { NodeSeenAt = Time.GetUtcNow() };
        return State.AckedSequence;
    }

    public async Task<TaskSnapshot> GetAsync()
    {
        await CatchUpAsync();
        return Snapshot();
    }

    public async Task<TaskJournal> GetJournalAsync()
    {
        await CatchUpAsync();
        return new TaskJournal(
            Snapshot(), _stdout.Snapshot(), _stderr.Snapshot(), State.Thoughts, State.ThoughtsDropped, State.Progress, State.FullLogBytes, State.FullLogOmittedBytes);
    }

    public Task<IReadOnlyList<TaskEventRecord>> ReadEventsAsync(long afterSequence, int limit) =>
        events.TaskEventsReadAsync(GrainKey, afterSequence, Math.Clamp(limit, 1, 10_000));

    /// <summary>Moves the state machine, stamping the time; rejects what the machine does not allow.</summary>
    private async Task TransitionAsync(TaskState to, TaskResultInfo? result = null)
    {
        State = Transitioned(State, to, Time.GetUtcNow()) with { Result = result ?? State.Result };
        await SaveAsync();
        await PublishStateAsync();
        if (TaskTransitions.IsTerminal(to))
        {
            await OnFinishedAsync();
        }
    }

    private TaskGrainState Transitioned(TaskGrainState state, TaskState to, DateTimeOffset at)
    {
        if (!TaskTransitions.IsAllowed(state.State, to))
        {
            throw new InvalidTaskTransitionException(GrainKey, state.State, to);
        }

        return state with { State = to, Transitions = Stamp(state, to, at) };
    }

    private async Task EnqueueAsync(string nodeId, string commandId, HubMessage message)
    {
        await outbox.NodeCommandEnqueueAsync(nodeId, commandId, message.ToByteArray(), Time.GetUtcNow());
        await notifier.HintAsync(logger, HubChannels.NodeOutbox, nodeId);
    }

    private void Validate(TaskSpec spec)
    {
        if (string.IsNullOrWhiteSpace(spec.NodeId) || string.IsNullOrWhiteSpace(spec.Command))
        {
            throw new ArgumentException($"Task {GrainKey}: a node id and a command are required.", nameof(spec));
        }

        if (spec.HeadBytes is < 0 or > JournalOptions.MaxBufferBytes || spec.TailBytes is < 0 or > JournalOptions.MaxBufferBytes)
        {
            throw new ArgumentException($"Task {GrainKey}: head and tail sizes must be between 0 and {JournalOptions.MaxBufferBytes} bytes.", nameof(spec));
        }

        if (spec.FullLogCapBytes is < 0 || spec.Timeout is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Task {GrainKey}: the full-log cap cannot be negative and a timeout must be positive.", nameof(spec));
        }
    }

    private Task PublishStateAsync() =>
        hub.PublishBestEffortAsync(logger, HubEventKinds.TaskState, "task:" + GrainKey, State.Spec?.NodeId, State.Spec?.CreatedBy, GrainKey,
            new { state = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(State.State.ToString()), exitCode = State.Result?.ExitCode, error = State.Result?.Error });

    private static IReadOnlyDictionary<TaskState, DateTimeOffset> Stamp(TaskGrainState state, TaskState to, DateTimeOffset at) =>
        new Dictionary<TaskState, DateTimeOffset>(state.Transitions) { [to] = at };

    private TaskSnapshot Snapshot() =>
        new(GrainKey, State.Spec is not null, State.Spec, State.State, State.Transitions, State.AckedSequence, State.Result);
}
