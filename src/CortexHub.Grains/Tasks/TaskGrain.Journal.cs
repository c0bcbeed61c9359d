using System.Text;
using System.Text.Json;
using CortexHub.Grains.Cluster;
using CortexHub.Grains.Events;
using CortexHub.Grains.Journal;
using CortexHub.Storage;
using Microsoft.Extensions.Logging;
using Orleans;

namespace CortexHub.Grains.Tasks;

/// <summary>
/// The journal: events stored exactly once and in order in <c>task_events</c> (the truth), with
/// head+tail buffers, thoughts and counters kept in memory and snapshotted into the state. A
/// snapshot names the sequence it covers; an activation restores it and replays later rows.
/// Output past the full-log cap is stored without its bytes, so the snapshot (with the tail) is
/// written before such rows.
/// </summary>
public sealed partial class TaskGrain
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private HeadTailBuffer _stdout = new(0, 0);
    private HeadTailBuffer _stderr = new(0, 0);
    private long _bytesSinceSnapshot;

    public Task<AppendResult> AppendEventsAsync(string nodeId, IReadOnlyList<TaskEventRecord> batch) => AppendAsync(nodeId, batch, resumed: false);

    public Task<AppendResult> AppendResumedEventsAsync(string nodeId, IReadOnlyList<TaskEventRecord> batch) => AppendAsync(nodeId, batch, resumed: true);

    private async Task<AppendResult> AppendAsync(string nodeId, IReadOnlyList<TaskEventRecord> batch, bool resumed)
    {
        if (State.Spec is null || State.Spec.NodeId != nodeId)
        {
            throw new InvalidOperationException($"Task {TaskId} is not assigned to node {nodeId}.");
        }

        var ordered = batch.OrderBy(e => e.Sequence).ToList();
        var next = State.AckedSequence + 1;
        var fresh = new List<TaskEventRecord>(batch.Count + 1);
        var duplicates = 0;
        long? gapAfter = null;
        if (resumed && ordered.Count > 0 && ordered[0].Sequence > next)
        {
            // Nobody holds next … first - 1 any more: record the loss in their place (once: a retry
            // of this call finds the range recorded and the batch a duplicate).
            var lost = new LostEvents(next, ordered[0].Sequence - 1);
            LogEventsLost(TaskId, nodeId, lost.From, lost.To);
            fresh.Add(lost.ToRecord(time.GetUtcNow()));
            next = ordered[0].Sequence;
        }

        foreach (var e in ordered)
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
            if (TaskTransitions.IsTerminal(State.State) && !_poolReported)
            {
                // The node resends a finished task's events when their acknowledgement was lost (its
                // stream or this activation failed after the result was stored): tell the pool again,
                // which its lease term makes harmless if it was told already.
                await ReportToPoolAsync();
            }

            return new AppendResult(State.AckedSequence, gapAfter, 0, duplicates);
        }

        var now = time.GetUtcNow();
        var before = State.State;
        try
        {
            var (rows, pastCap) = Apply(fresh, now, replaying: false);
            State = State with { AckedSequence = fresh[^1].Sequence, NodeSeenAt = now };
            if (pastCap)
            {
                await SaveAsync();
                await events.TaskEventsAppendAsync(TaskId, rows, now);
            }
            else
            {
                await events.TaskEventsAppendAsync(TaskId, rows, now);
                if (State.State != before || _bytesSinceSnapshot >= _options.SnapshotEveryBytes)
                {
                    await SaveAsync();
                }
            }
        }
        catch
        {
            // Buffers and counters already include this batch; storage may not. Start over from storage.
            this.DeactivateOnIdle();
            throw;
        }

        if (!_dispatchForgotten)
        {
            _dispatchForgotten = await ForgetDispatchAsync(nodeId);
        }

        outputSignals.Pulse(TaskId);
        NoticeOutput(fresh[0].Sequence, fresh[^1].Sequence, fresh.Where(e => e.Kind == TaskEventKind.Output).Sum(e => (long)e.Data.Length));
        if (State.State != before)
        {
            await PublishStateAsync();
        }

        if (State.State != before && TaskTransitions.IsTerminal(State.State))
        {
            await OnFinishedAsync();
        }

        await FollowNodeStreamAsync();
        return new AppendResult(State.AckedSequence, gapAfter, fresh.Count, duplicates);
    }

    /// <summary>The output notice being stored on the event bus, if any.</summary>
    private Task? _outputNotice;

    /// <summary>Output journaled since <see cref="_outputNotice"/> started, told in the next notice.</summary>
    private (long From, long To, long Bytes)? _pendingOutput;

    /// <summary>
    /// Tells subscribers that events were journaled (<c>task.output</c>, a sequence range) without
    /// holding up the node's acknowledgement: the notice is best effort and the journal is already
    /// durable. One notice is stored at a time; ranges journaled meanwhile merge into the next one,
    /// so a busy task costs the event log a row per store round trip instead of one per batch.
    /// </summary>
    private void NoticeOutput(long from, long to, long bytes)
    {
        _pendingOutput = _pendingOutput is { } pending ? (pending.From, to, pending.Bytes + bytes) : (from, to, bytes);
        _outputNotice ??= PublishOutputNoticesAsync();
    }

    private async Task PublishOutputNoticesAsync()
    {
        // Returns to NoticeOutput before publishing, so _outputNotice is set before this loop can
        // end and clear it; the rest runs on the grain's scheduler, between turns, never beside one.
        await Task.Yield();
        while (_pendingOutput is { } notice)
        {
            _pendingOutput = null;
            try
            {
                await hub.PublishBestEffortAsync(logger, HubEventKinds.TaskOutput, "task:" + TaskId, State.Spec?.NodeId, State.Spec?.CreatedBy, TaskId,
                    new { fromSequence = notice.From, toSequence = notice.To, bytes = notice.Bytes });
            }
            catch (Exception ex)
            {
                LogOutputNoticeFailed(ex, TaskId, ErrorId.New());
            }
        }

        _outputNotice = null;
    }

    /// <summary>Every output notice stored: a state event must not overtake the output before it.</summary>
    private Task FlushOutputNoticesAsync() => _outputNotice ?? Task.CompletedTask;

    /// <summary>True once this activation removed the task's dispatch from its node's outbox.</summary>
    private bool _dispatchForgotten;

    /// <summary>
    /// The node's own events, any of them (<c>accepted</c> too), prove it has the dispatch, even when
    /// its CommandAck was lost with a stream: the outbox must not send it again (a node that already
    /// finished the task and forgot it would run it twice). Best effort: if storage fails here, the
    /// next events try again and the node dedupes by command id meanwhile. Returns whether it is done.
    /// </summary>
    private async Task<bool> ForgetDispatchAsync(string nodeId)
    {
        try
        {
            await outbox.NodeCommandDeleteAsync(nodeId, DispatchCommandId(TaskId));
            return true;
        }
        catch (StorageUnavailableException ex)
        {
            LogForgetDispatchFailed(ex, TaskId, ErrorId.New());
            return false;
        }
    }

    /// <summary>Folds events into buffers, thoughts, counters and the state machine; returns the rows to store.</summary>
    private (List<TaskEventRecord> Rows, bool PastCap) Apply(IReadOnlyList<TaskEventRecord> fresh, DateTimeOffset now, bool replaying)
    {
        var cap = State.Spec!.FullLogCapBytes ?? _options.FullLogCapBytes;
        var rows = new List<TaskEventRecord>(fresh.Count);
        var pastCap = false;
        var state = State;

        // Output counters in locals, put in the state once: output is most events, and each state
        // change copies the whole state record.
        var (fullLogBytes, omittedBytes) = (state.FullLogBytes, state.FullLogOmittedBytes);
        foreach (var e in fresh)
        {
            var row = e;
            switch (e.Kind)
            {
                case TaskEventKind.Output:
                    (e.Stream == OutputStreamKind.Stderr ? _stderr : _stdout).Append(e.Data);
                    _bytesSinceSnapshot += e.Data.Length;
                    if (fullLogBytes + e.Data.Length <= cap)
                    {
                        fullLogBytes += e.Data.Length;
                    }
                    else
                    {
                        omittedBytes += e.Data.Length;
                        row = e with { Data = [] };
                        pastCap = true;
                    }

                    break;
                case TaskEventKind.Thought:
                    state = AddThought(state, new ThoughtRecord(e.Sequence, e.At ?? now, Encoding.UTF8.GetString(e.Data)));
                    break;
                case TaskEventKind.Progress:
                    var progress = JsonSerializer.Deserialize<ProgressBody>(e.Data, Json);
                    state = state with { Progress = new TaskProgressInfo(progress?.Fraction ?? -1, progress?.Message ?? "", e.At ?? now) };
                    break;
                case TaskEventKind.Started:
                    state = TryTransition(state, TaskState.Running, e.At ?? now, null);
                    break;
                case TaskEventKind.Lost:
                    // Shown where the lost output would have been; not output, so the full-log cap ignores it.
                    _stdout.Append(LostEvents.FromRecord(e).MarkerBytes());
                    break;
                case TaskEventKind.Result:
                    var outcome = JsonSerializer.Deserialize<TaskOutcomeEvent>(e.Data, Json)
                        ?? throw new InvalidOperationException($"Task {TaskId}: result event {e.Sequence} has an empty body.");
                    var final = outcome.Outcome switch
                    {
                        TaskOutcome.Exited => outcome.ExitCode == 0 ? TaskState.Succeeded : TaskState.Failed,
                        TaskOutcome.Cancelled => TaskState.Cancelled,
                        TaskOutcome.TimedOut => TaskState.TimedOut,
                        _ => TaskState.Failed,
                    };
                    state = TryTransition(state, final, e.At ?? now,
                        new TaskResultInfo(outcome.Outcome == TaskOutcome.Failed ? null : outcome.ExitCode, outcome.Error, outcome.PayloadJson));
                    break;
            }

            rows.Add(row);
        }

        State = state with { FullLogBytes = fullLogBytes, FullLogOmittedBytes = omittedBytes, AppliedSequence = replaying ? fresh[^1].Sequence : state.AppliedSequence };
        return (rows, pastCap);
    }

    /// <summary>A node event that the state machine does not allow is kept in the journal but changes no state.</summary>
    private TaskGrainState TryTransition(TaskGrainState state, TaskState to, DateTimeOffset at, TaskResultInfo? result)
    {
        if (!TaskTransitions.IsAllowed(state.State, to))
        {
            LogIgnoredTransition(TaskId, state.State, to);
            return state;
        }

        return Transitioned(state, to, at) with { Result = result ?? state.Result };
    }

    private TaskGrainState AddThought(TaskGrainState state, ThoughtRecord thought)
    {
        var thoughts = new List<ThoughtRecord>(state.Thoughts) { thought };
        var bytes = state.ThoughtBytes + Encoding.UTF8.GetByteCount(thought.Text);
        var dropped = state.ThoughtsDropped;
        while (thoughts.Count > 0 && (thoughts.Count > _options.MaxThoughts || bytes > _options.MaxThoughtBytes))
        {
            bytes -= Encoding.UTF8.GetByteCount(thoughts[0].Text);
            thoughts.RemoveAt(0);
            dropped++;
        }

        return state with { Thoughts = thoughts, ThoughtBytes = bytes, ThoughtsDropped = dropped };
    }

    /// <summary>
    /// Writes the state with fresh buffer snapshots covering everything acknowledged, then the task's
    /// listing. If the state write fails, memory may be ahead of storage: the activation is dropped
    /// after this turn, so no later write commits the change silently and the next activation starts
    /// from what was stored.
    /// </summary>
    /// <param name="alongsideListing">
    /// A side effect that needs only the state durable (e.g. the dispatch's outbox row): it runs beside
    /// the listing write instead of after it. SaveAsync completes when both did.
    /// </param>
    private async Task SaveAsync(Func<Task>? alongsideListing = null)
    {
        State = State with { Stdout = _stdout.ToState(), Stderr = _stderr.ToState(), AppliedSequence = State.AckedSequence };
        try
        {
            await task.WriteStateAsync();
        }
        catch
        {
            this.DeactivateOnIdle();
            throw;
        }

        _bytesSinceSnapshot = 0;
        var listing = directory.PutAsync(TaskId, State, time.GetUtcNow());
        if (alongsideListing is null)
        {
            await listing;
            return;
        }

        await Task.WhenAll(listing, alongsideListing());
    }

    private void ResetBuffers()
    {
        var spec = State.Spec!;
        _stdout = new HeadTailBuffer(spec.HeadBytes ?? _options.HeadBytes, spec.TailBytes ?? _options.TailBytes);
        _stderr = new HeadTailBuffer(spec.HeadBytes ?? _options.HeadBytes, spec.TailBytes ?? _options.TailBytes);
    }

    /// <summary>
    /// Keeps the task beside its node's stream: when the stream writes to this activation from
    /// another silo (the node reconnected there, or a reminder or a read started this activation),
    /// the state is written (so memory and storage agree) and the activation migrates to the stream's
    /// silo once idle (<see cref="BesideNodePlacement"/> reads the silo from the captured request
    /// context); calls arriving meanwhile follow it there.
    /// </summary>
    private async Task FollowNodeStreamAsync()
    {
        if (BesideNodePlacement.CurrentHint() is { } streamSilo && streamSilo != silos.LocalSiloId && silos.IsActive(streamSilo))
        {
            await SaveAsync();
            this.MigrateOnIdle();
        }
    }

    /// <summary>Restores the buffers from the stored snapshot and replays the journal rows stored after it.</summary>
    private async Task RestoreJournalAsync(CancellationToken cancellationToken)
    {
        if (State.Spec is null)
        {
            return;
        }

        if (State.Stdout is null || State.Stderr is null)
        {
            ResetBuffers();
        }
        else
        {
            _stdout = HeadTailBuffer.FromState(State.Stdout);
            _stderr = HeadTailBuffer.FromState(State.Stderr);
        }

        State = State with { AckedSequence = Math.Max(State.AckedSequence, State.AppliedSequence) };
        await ReplayAsync(State.AppliedSequence, cancellationToken);
    }

    private async Task ReplayAsync(long after, CancellationToken cancellationToken)
    {
        const int pageSize = 1000;
        while (true)
        {
            var page = await events.TaskEventsReadAsync(TaskId, after, pageSize, cancellationToken);
            if (page.Count == 0)
            {
                return;
            }

            Apply(page, time.GetUtcNow(), replaying: true);
            after = page[^1].Sequence;
            State = State with { AckedSequence = Math.Max(State.AckedSequence, after) };
            if (page.Count < pageSize)
            {
                // A short page is the journal's end (this activation is its only writer): no read
                // that comes back empty, which is one statement per activation fewer when a dead
                // silo's tasks all activate again at once.
                return;
            }
        }
    }

    [LoggerMessage(4101, LogLevel.Warning, "Task {TaskId}: ignored a node event that would move it from {From} to {To}")]
    private partial void LogIgnoredTransition(string taskId, TaskState from, TaskState to);

    [LoggerMessage(4110, LogLevel.Warning, "Task {TaskId}: events {From}–{To} were acknowledged to node {NodeId} but storage no longer holds them, and the node resumes after them; recorded as lost so the task can go on")]
    private partial void LogEventsLost(string taskId, string nodeId, long from, long to);

    [LoggerMessage(4107, LogLevel.Warning, "Task {TaskId}: an output notice was not published (error id {ErrorId}); subscribers see the output at the next notice or in the log")]
    private partial void LogOutputNoticeFailed(Exception exception, string taskId, string errorId);

    [LoggerMessage(4105, LogLevel.Warning, "Task {TaskId}: could not remove its delivered dispatch from the node's outbox (error id {ErrorId}); the node dedupes a redelivery by command id")]
    private partial void LogForgetDispatchFailed(Exception exception, string taskId, string errorId);

    private sealed record ProgressBody(double Fraction, string? Message);
}
