using CortexHub.Grains.Cluster;
using CortexHub.Grains.Events;
using CortexHub.Grains.Nodes;
using CortexHub.Grains.Journal;
using CortexHub.Grains.Limits;
using CortexHub.Grains.Pool;
using CortexHub.Grains.Storage;
using CortexHub.Protocol.V1;
using CortexHub.Storage;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;

namespace CortexHub.Grains.Tasks;

/// <summary>
/// One task: its state machine (this file), its journal (<c>TaskGrain.Journal.cs</c>) and its
/// durable timers for lost detection and retention (<c>TaskGrain.Lifetime.cs</c>). One activation
/// in the cluster holds the state, so memory is the truth between writes; an activation whose
/// write failed is dropped, and the next one starts over from storage.
/// </summary>
[Orleans.GrainType("task")]
[BesideNodePlacement]
public sealed partial class TaskGrain(
    [PersistentState("task", GrainStorage.Name)] IPersistentState<TaskGrainState> task,
    [PersistentState("taskInput", GrainStorage.Name)] IPersistentState<TaskInputState> input,
    ITaskEventStore events,
    TaskDirectory directory,
    LegacyGrainState legacy,
    INodeOutboxStore outbox,
    IClusterNotifier notifier,
    ClusterSilos silos,
    TaskOutputSignals outputSignals,
    EventHub hub,
    WorkPool workPool,
    IOptions<JournalOptions> options,
    IOptions<InputLimits> limits,
    TimeProvider time,
    ILogger<TaskGrain> logger) : Grain, ITaskGrain, Orleans.IRemindable
{
    private readonly JournalOptions _options = options.Value;

    private string TaskId => this.GetPrimaryKeyString();

    private TaskGrainState State
    {
        get => task.State;
        set => task.State = value;
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activatedAt = time.GetUtcNow();
        if (!task.RecordExists && await legacy.ReadAsync<TaskGrainState>("task", TaskId, cancellationToken) is { } saved)
        {
            // Stored by an earlier CortexHub: take it over once (the journal rows are the same table).
            State = saved;
            await task.WriteStateAsync();
        }

        await RestoreJournalAsync(cancellationToken);

        // A silo may have died between recording a pool task's result and telling the pool; telling it again is harmless.
        if (State.Spec?.Pool is not null && TaskTransitions.IsTerminal(State.State))
        {
            await ReportToPoolAsync();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The last output notice goes out before the activation does (it is best effort: not past the deadline).
        await FlushOutputNoticesAsync().WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.SuppressThrowing);
    }

    public async Task<TaskSnapshot> DispatchAsync(TaskSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (State.Spec is null && State.State == TaskState.Lost)
        {
            throw new InvalidOperationException($"Task {TaskId} was abandoned before it was dispatched: {State.Result?.Error}");
        }

        if (State.Spec is not null)
        {
            if (!State.Spec.IsSameRequestAs(spec))
            {
                throw new InvalidOperationException($"Task {TaskId} already exists (state {State.State}).");
            }

            // The same dispatch again: a client retrying, or a call retried after its silo failed.
            // Finish what the first one may not have; the task itself exists once.
            if (!TaskTransitions.IsTerminal(State.State))
            {
                await this.RegisterOrUpdateReminder(LivenessReminder, LivenessPeriod, LivenessPeriod);
            }

            if (State.State == TaskState.Queued)
            {
                await EnqueueAsync(spec.NodeId, DispatchCommandId(TaskId), TaskDispatch.Message(TaskId, spec));
                await TransitionAsync(TaskState.Dispatched);
            }

            return Snapshot();
        }

        Validate(spec);
        var now = time.GetUtcNow();
        State = State with { Spec = spec, State = TaskState.Queued, Transitions = Stamp(State, TaskState.Queued, now), NodeSeenAt = now };
        ResetBuffers();

        // State first, then the side effect: a retried dispatch re-enqueues the same command id, which
        // the outbox ignores. The outbox row goes beside the listing write (it needs only the state),
        // and the node's stream is handed the dispatch itself (nothing of this task can be queued before it).
        await SaveAsync(() => EnqueueAsync(spec.NodeId, DispatchCommandId(TaskId), TaskDispatch.Message(TaskId, spec), handOver: true));
        await this.RegisterOrUpdateReminder(LivenessReminder, LivenessPeriod, LivenessPeriod);
        await TransitionAsync(TaskState.Dispatched);
        return Snapshot();
    }

    /// <summary>The outbox command id of a task's dispatch (the outbox ignores a repeat of it).</summary>
    public static string DispatchCommandId(string taskId) => "dispatch:" + taskId;

    public async Task<TaskSnapshot> CancelAsync(string reason)
    {
        new InvalidRequestException.Builder().CheckLength(reason, limits.Value.MaxReasonLength, "reason").ThrowIfAny();
        if (State.Spec is null || TaskTransitions.IsTerminal(State.State))
        {
            return Snapshot();
        }

        var cancel = new CancelTask { CommandId = "cancel:" + TaskId, TaskId = TaskId, Reason = reason };
        await EnqueueAsync(State.Spec.NodeId, cancel.CommandId, new HubMessage { Cancel = cancel });
        return Snapshot();
    }

    public async Task<TaskSnapshot> AddThoughtAsync(string text)
    {
        new InvalidRequestException.Builder()
            .Check(!string.IsNullOrWhiteSpace(text), "text", "Required.")
            .CheckLength(text, limits.Value.MaxThoughtLength, "text")
            .ThrowIfAny();
        if (State.Spec is null)
        {
            throw new InvalidOperationException($"Task {TaskId} does not exist.");
        }

        State = AddThought(State, new ThoughtRecord(State.AckedSequence, time.GetUtcNow(), text));
        await SaveAsync();
        return Snapshot();
    }

    public Task<long?> GetResumePointAsync(string nodeId)
    {
        if (State.Spec?.NodeId != nodeId)
        {
            return Task.FromResult<long?>(null);
        }

        // The node is back and still runs the task: it is not lost.
        State = State with { NodeSeenAt = time.GetUtcNow() };
        return Task.FromResult<long?>(State.AckedSequence);
    }

    public Task<TaskSnapshot> GetAsync() => Task.FromResult(Snapshot());

    public Task<TaskJournal> GetJournalAsync() =>
        Task.FromResult(new TaskJournal(
            Snapshot(), _stdout.Snapshot(), _stderr.Snapshot(), State.Thoughts.ToArray(), State.ThoughtsDropped, State.Progress, State.FullLogBytes, State.FullLogOmittedBytes));

    public Task<IReadOnlyList<TaskEventRecord>> ReadEventsAsync(long afterSequence, int limit) =>
        events.TaskEventsReadAsync(TaskId, afterSequence, Math.Clamp(limit, 1, 10_000));

    /// <summary>Moves the state machine, stamping the time; rejects what the machine does not allow.</summary>
    private async Task TransitionAsync(TaskState to, TaskResultInfo? result = null)
    {
        State = Transitioned(State, to, time.GetUtcNow()) with { Result = result ?? State.Result };
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
            throw new InvalidTaskTransitionException(TaskId, state.State, to);
        }

        return state with { State = to, Transitions = Stamp(state, to, at) };
    }

    /// <param name="handOver">
    /// True for a task's first dispatch: the node's stream is given the command with the hint and sends it
    /// without reading the outbox back. Later commands only wake the stream, which sends the outbox in order.
    /// </param>
    private async Task EnqueueAsync(string nodeId, string commandId, HubMessage message, bool handOver = false)
    {
        var payload = message.ToByteArray();
        await outbox.NodeCommandEnqueueAsync(nodeId, commandId, payload, time.GetUtcNow());
        try
        {
            // The node's stream, on whichever silo holds it, sends the command now (else at its next outbox poll).
            var node = GrainFactory.GetGrain<INodeGrain>(nodeId);
            if (!handOver || !await TryHandOverAsync(node, nodeId, new NodeCommand(commandId, payload)))
            {
                await node.CommandsQueuedAsync();
            }
        }
        catch (Exception ex) when (TransientFaults.Is(ex))
        {
            LogWakeLost(ex, TaskId, nodeId);
        }
    }

    /// <summary>
    /// The hand-over is a shortcut past the stored row, never the only way: when it is refused for any
    /// reason but a transient one (during a rolling upgrade a silo of an earlier version may host the
    /// node grain and not know the call), the stream is woken to read the outbox instead.
    /// </summary>
    private async Task<bool> TryHandOverAsync(INodeGrain node, string nodeId, NodeCommand command)
    {
        try
        {
            await node.DispatchQueuedAsync(command);
            return true;
        }
        catch (Exception ex) when (!TransientFaults.Is(ex))
        {
            LogHandOverRefused(ex, TaskId, nodeId);
            return false;
        }
    }

    private void Validate(TaskSpec spec)
    {
        // A session without a command runs the user's login shell.
        if (string.IsNullOrWhiteSpace(spec.NodeId) || (string.IsNullOrWhiteSpace(spec.Command) && !spec.IsSession) || spec.Command is null)
        {
            throw new ArgumentException($"Task {TaskId}: a node id and a command are required.", nameof(spec));
        }

        if (spec.HeadBytes is < 0 or > JournalOptions.MaxBufferBytes || spec.TailBytes is < 0 or > JournalOptions.MaxBufferBytes)
        {
            throw new ArgumentException($"Task {TaskId}: head and tail sizes must be between 0 and {JournalOptions.MaxBufferBytes} bytes.", nameof(spec));
        }

        if (spec.FullLogCapBytes is < 0 || spec.Timeout is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Task {TaskId}: the full-log cap cannot be negative and a timeout must be positive.", nameof(spec));
        }

        // The API checks these too; here nothing reaches the outbox that its node could not receive.
        var errors = new InvalidRequestException.Builder()
            .CheckWork(limits.Value, TaskId, spec.Command, spec.WorkingDirectory, spec.Environment, spec.Timeout)
            .CheckLength(spec.Term, TaskSpec.MaxTermLength, "term")
            .Check(spec.Term is null || !spec.Term.Any(char.IsControl), "term", "No control characters.");
        if (spec.Terminal is { } terminal)
        {
            TerminalSize.Check(errors, terminal.Columns, terminal.Rows);
        }

        errors.ThrowIfAny();
    }

    private async Task PublishStateAsync()
    {
        await FlushOutputNoticesAsync();
        await hub.PublishBestEffortAsync(logger, HubEventKinds.TaskState, "task:" + TaskId, State.Spec?.NodeId, State.Spec?.CreatedBy, TaskId,
            new { state = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(State.State.ToString()), exitCode = State.Result?.ExitCode, error = State.Result?.Error });
    }

    private static IReadOnlyDictionary<TaskState, DateTimeOffset> Stamp(TaskGrainState state, TaskState to, DateTimeOffset at) =>
        new Dictionary<TaskState, DateTimeOffset>(state.Transitions) { [to] = at };

    private TaskSnapshot Snapshot() =>
        new(TaskId, State.Spec is not null, State.Spec, State.State, State.Transitions, State.AckedSequence, State.Result,
            input.State.Terminal ?? State.Spec?.Terminal, State.Spec?.StdinOpen == true, input.State.InputBytes, _stdout.TotalBytes);
}
