using System.Text.Json;
using CortexHub.Grains.Storage;
using CortexHub.Protocol.V1;
using CortexHub.Runtime;
using CortexHub.Runtime.Storage;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace CortexHub.Grains.Tasks;

[GrainType("task")]
public sealed class TaskGrain(ITaskEventStore events, INodeOutboxStore outbox, IClusterNotifier notifier, ILogger<TaskGrain> logger) : Grain<TaskGrainState>, ITaskGrain
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Output batches move the durable position without a state write (the journal rows are the
    // truth), so an activation catches up from the journal.
    public override Task OnActivateAsync(CancellationToken cancellationToken) => CatchUpWithJournalAsync();

    public async Task<TaskSnapshot> DispatchAsync(TaskSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (State.Spec is not null)
        {
            throw new InvalidOperationException($"Task {GrainKey} already exists (state {State.State}).");
        }

        var now = Time.GetUtcNow();
        State = State with { Spec = spec, State = TaskState.Queued, Transitions = Stamp(TaskState.Queued, now) };
        await WriteStateAsync();

        // State first, then the side effect: a retried dispatch re-enqueues the same command id, which the outbox ignores.
        var dispatch = new DispatchTask
        {
            CommandId = "dispatch:" + GrainKey,
            TaskId = GrainKey,
            Command = spec.Command,
            WorkingDirectory = spec.WorkingDirectory ?? "",
            TimeoutSeconds = (uint)(spec.Timeout?.TotalSeconds ?? 0),
        };
        foreach (var (key, value) in spec.Environment ?? new Dictionary<string, string>())
        {
            dispatch.Environment[key] = value;
        }
        await EnqueueAsync(spec.NodeId, dispatch.CommandId, new HubMessage { Dispatch = dispatch });

        State = State with { State = TaskState.Dispatched, Transitions = Stamp(TaskState.Dispatched, Time.GetUtcNow()) };
        await WriteStateAsync();
        return Snapshot();
    }

    public async Task<AppendResult> AppendEventsAsync(string nodeId, IReadOnlyList<TaskEventRecord> batch)
    {
        if (State.Spec is null || State.Spec.NodeId != nodeId)
        {
            throw new InvalidOperationException($"Task {GrainKey} is not assigned to node {nodeId}.");
        }

        var next = State.AckedSequence + 1;
        var fresh = new List<TaskEventRecord>(batch.Count);
        var duplicates = 0;
        long? gapAfter = null;
        foreach (var e in batch.OrderBy(e => e.Sequence))
        {
            if (e.Sequence < next)
            {
                duplicates++;
            }
            else if (e.Sequence == next)
            {
                fresh.Add(e);
                next++;
            }
            else
            {
                gapAfter = next - 1;
                break;
            }
        }

        if (fresh.Count == 0)
        {
            return new AppendResult(State.AckedSequence, gapAfter, 0, duplicates);
        }

        var now = Time.GetUtcNow();
        await events.TaskEventsAppendAsync(GrainKey, fresh, now);
        var before = State.State;
        var state = State with { AckedSequence = fresh[^1].Sequence };
        foreach (var e in fresh)
        {
            state = Apply(state, e, now);
        }

        State = state;
        if (state.State != before)
        {
            // Lifecycle changes are written; plain output only advanced the journal, which is durable already.
            await WriteStateAsync();
            if (Snapshot().IsFinished)
            {
                await notifier.HintAsync(logger, HubChannels.TaskFinished, GrainKey);
            }
        }

        return new AppendResult(State.AckedSequence, gapAfter, fresh.Count, duplicates);
    }

    public async Task<TaskSnapshot> CancelAsync(string reason)
    {
        var snapshot = Snapshot();
        if (State.Spec is null || snapshot.IsFinished)
        {
            return snapshot;
        }

        var cancel = new CancelTask { CommandId = "cancel:" + GrainKey, TaskId = GrainKey, Reason = reason };
        await EnqueueAsync(State.Spec.NodeId, cancel.CommandId, new HubMessage { Cancel = cancel });
        return snapshot;
    }

    public async Task<long?> GetResumePointAsync(string nodeId)
    {
        await CatchUpAsync();
        return State.Spec?.NodeId == nodeId ? State.AckedSequence : null;
    }

    public async Task<TaskSnapshot> GetAsync()
    {
        await CatchUpAsync();
        return Snapshot();
    }

    public Task<IReadOnlyList<TaskEventRecord>> ReadEventsAsync(long afterSequence, int limit) =>
        events.TaskEventsReadAsync(GrainKey, afterSequence, Math.Clamp(limit, 1, 10_000));

    /// <summary>Sees what other silos' activations wrote: newer state, and journal rows stored since.</summary>
    private async Task CatchUpAsync()
    {
        await RefreshStateAsync();
        await CatchUpWithJournalAsync();
    }

    private async Task CatchUpWithJournalAsync()
    {
        if (State.Spec is not null)
        {
            var last = await events.TaskEventsLastSequenceAsync(GrainKey);
            if (last > State.AckedSequence)
            {
                State = State with { AckedSequence = last };
            }
        }
    }

    private TaskGrainState Apply(TaskGrainState state, TaskEventRecord e, DateTimeOffset now)
    {
        if (Snapshot(state).IsFinished)
        {
            return state;
        }

        switch (e.Kind)
        {
            case TaskEventKind.Started when state.State is TaskState.Queued or TaskState.Dispatched:
                return state with { State = TaskState.Running, Transitions = Stamp(state, TaskState.Running, now) };
            case TaskEventKind.Result:
                var outcome = JsonSerializer.Deserialize<TaskOutcomeEvent>(e.Data, Json)
                    ?? throw new InvalidOperationException($"Task {GrainKey}: result event {e.Sequence} has an empty body.");
                var final = outcome.Outcome switch
                {
                    TaskOutcome.Exited => outcome.ExitCode == 0 ? TaskState.Succeeded : TaskState.Failed,
                    TaskOutcome.Cancelled => TaskState.Cancelled,
                    TaskOutcome.TimedOut => TaskState.TimedOut,
                    _ => TaskState.Failed,
                };
                return state with
                {
                    State = final,
                    Transitions = Stamp(state, final, now),
                    Result = new TaskResultInfo(outcome.Outcome == TaskOutcome.Failed ? null : outcome.ExitCode, outcome.Error, outcome.PayloadJson),
                };
            default:
                return state;
        }
    }

    private async Task EnqueueAsync(string nodeId, string commandId, HubMessage message)
    {
        await outbox.NodeCommandEnqueueAsync(nodeId, commandId, message.ToByteArray(), Time.GetUtcNow());
        await notifier.HintAsync(logger, HubChannels.NodeOutbox, nodeId);
    }

    private IReadOnlyDictionary<TaskState, DateTimeOffset> Stamp(TaskState to, DateTimeOffset at) => Stamp(State, to, at);

    private static IReadOnlyDictionary<TaskState, DateTimeOffset> Stamp(TaskGrainState state, TaskState to, DateTimeOffset at) =>
        new Dictionary<TaskState, DateTimeOffset>(state.Transitions) { [to] = at };

    private TaskSnapshot Snapshot() => Snapshot(State);

    private TaskSnapshot Snapshot(TaskGrainState state) =>
        new(GrainKey, state.Spec is not null, state.Spec, state.State, state.Transitions, state.AckedSequence, state.Result);
}
