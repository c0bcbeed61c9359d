using CortexHub.Agent.Logging;
using CortexHub.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace CortexHub.Agent.Tasks;

/// <summary>
/// Every task the node holds — running, or finished with events the hub has not acknowledged — with
/// deduplication of the hub's at-least-once commands. The connection feeds it hub messages and takes the events
/// to send from it; it needs no network, so tests drive it directly.
/// </summary>
/// <remarks>
/// The stream-facing half (Hello's task list, Welcome's resume, taking events to send) is in
/// <c>TaskRegistry.Session.cs</c>.
/// A task is forgotten once its result is acknowledged. Dispatches are deduplicated by command id (the last
/// <see cref="TaskRegistryOptions.RememberedCommandIds"/>) and by task id (a task still held is not started twice).
/// Thread-safe.
/// </remarks>
public sealed partial class TaskRegistry : IAsyncDisposable
{
    private readonly TaskRegistryOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, TrackedTask> _tasks = new(StringComparer.Ordinal);
    private readonly HashSet<Task> _detachedRuns = [];
    private readonly RecentIdSet _commandIds;
    private readonly AsyncSignal _pending = new();
    private readonly Processes.RunLedger? _ledger;
    private TaskCompletionSource? _emptyWaiter;
    private bool _closed;

    /// <summary>Creates an empty registry whose runs are not recorded anywhere (tests, tools).</summary>
    public TaskRegistry(TaskRegistryOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory)
        : this(options, timeProvider, loggerFactory, ledger: null)
    {
    }

    /// <summary>Creates an empty registry that records each run's process in <paramref name="ledger"/>.</summary>
    internal TaskRegistry(TaskRegistryOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory, Processes.RunLedger? ledger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _options = options;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<TaskRegistry>();
        _commandIds = new RecentIdSet(options.RememberedCommandIds);
        _ledger = ledger;
        if (options.Runner.UseProcessGroup && !Processes.ProcessGroup.CanCreateGroups)
        {
            AgentLog.SetsidMissing(_logger);
        }
        else if (options.Runner.UseProcessGroup && !Processes.OrphanReaper.EnsureStarted())
        {
            AgentLog.SubreaperRefused(_logger);
        }

        if (!Processes.ProcessGroup.CanResetSignals)
        {
            AgentLog.SigpipeNotReset(_logger);
        }
    }

    /// <summary>Tasks held (running or waiting for acknowledgement).</summary>
    public int Count
    {
        get { lock (_lock) { return _tasks.Count; } }
    }

    /// <summary>Tasks whose process is still running.</summary>
    public int RunningCount
    {
        get { lock (_lock) { return _tasks.Values.Count(t => t.Runner.IsRunning); } }
    }

    /// <summary>The task <paramref name="taskId"/> if the node holds it.</summary>
    public TrackedTask? Find(string taskId)
    {
        lock (_lock)
        {
            return _tasks.GetValueOrDefault(taskId);
        }
    }

    /// <summary>
    /// Handles a DispatchTask: decides (deduplication), calls <paramref name="acknowledge"/> (send CommandAck)
    /// unless the agent is stopping, then starts the task if it is new — so the hub sees CommandAck before the
    /// task's first event.
    /// </summary>
    public async ValueTask<DispatchDecision> DispatchAsync(DispatchTask dispatch, Func<ValueTask> acknowledge)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        ArgumentNullException.ThrowIfNull(acknowledge);
        TrackedTask? task = null;
        DispatchDecision decision;
        lock (_lock)
        {
            if (_closed)
            {
                decision = DispatchDecision.Rejected;
            }
            else if (dispatch.TaskId.Length == 0)
            {
                decision = DispatchDecision.Invalid;
            }
            else if (dispatch.CommandId.Length > 0 && !_commandIds.Add(dispatch.CommandId))
            {
                decision = DispatchDecision.DuplicateCommand;
            }
            else if (_tasks.ContainsKey(dispatch.TaskId))
            {
                decision = DispatchDecision.DuplicateTask;
            }
            else
            {
                var events = new TaskEventBuffer(dispatch.TaskId, _options.MaxUnackedBytes, _pending.Set);
                var runner = new TaskRunner(dispatch, events, _options.Runner, _timeProvider, _loggerFactory.CreateLogger<TaskRunner>(), _ledger);
                task = new TrackedTask(runner, events);
                _tasks.Add(dispatch.TaskId, task);
                decision = DispatchDecision.Started;
            }
        }

        if (decision == DispatchDecision.Rejected)
        {
            AgentLog.DispatchRejected(_logger, dispatch.TaskId, dispatch.CommandId);
            return decision;
        }

        if (decision == DispatchDecision.Started)
        {
            AgentLog.TaskDispatched(_logger, dispatch.TaskId, dispatch.CommandId, dispatch.TimeoutSeconds);
        }
        else if (decision == DispatchDecision.Invalid)
        {
            AgentLog.InvalidDispatch(_logger, dispatch.CommandId);
        }
        else
        {
            AgentLog.DuplicateDispatch(_logger, dispatch.TaskId, dispatch.CommandId, decision);
        }

        try
        {
            await acknowledge().ConfigureAwait(false);
        }
        finally
        {
            // Even when the ack could not be sent (the stream broke), the task runs: the hub redelivers the
            // dispatch after reconnecting, and the redelivery is acknowledged as a duplicate.
            if (task is not null)
            {
                // Off the caller's thread: starting a process blocks for a moment, and the caller is the loop
                // that reads the hub's messages.
                _ = Task.Run(() => RunAsync(task));
            }
        }

        return decision;
    }

    /// <summary>
    /// Handles a CancelTask: calls <paramref name="acknowledge"/> (send CommandAck), then kills the task if it
    /// is running; it ends with a CANCELLED result. A task the node does not hold, or one already finished, is
    /// only acknowledged.
    /// </summary>
    public async ValueTask CancelAsync(CancelTask cancel, Func<ValueTask> acknowledge)
    {
        ArgumentNullException.ThrowIfNull(cancel);
        ArgumentNullException.ThrowIfNull(acknowledge);
        TrackedTask? task;
        lock (_lock)
        {
            if (cancel.CommandId.Length > 0)
            {
                _commandIds.Add(cancel.CommandId);
            }

            task = _tasks.GetValueOrDefault(cancel.TaskId);
        }

        await acknowledge().ConfigureAwait(false);
        if (task is null)
        {
            AgentLog.CancelForUnknownTask(_logger, cancel.TaskId, cancel.CommandId);
            return;
        }

        // Idempotent: a redelivered cancel, or one for a finished task, changes nothing.
        task.Runner.Stop(TaskStopReason.Cancelled, cancel.Reason.Length > 0 ? $"Cancelled: {cancel.Reason}" : "Cancelled.");
    }

    /// <summary>The hub made every event of <paramref name="taskId"/> up to <paramref name="sequence"/> durable.</summary>
    /// <returns>False when the node does not hold the task.</returns>
    public bool Acknowledge(string taskId, ulong sequence)
    {
        var task = Find(taskId);
        if (task is null)
        {
            AgentLog.AckForUnknownTask(_logger, taskId, sequence);
            return false;
        }

        if (sequence > task.Events.LastSequence)
        {
            AgentLog.AckBeyondSent(_logger, taskId, sequence, task.Events.LastSequence);
        }

        if (task.Events.Acknowledge(sequence))
        {
            Forget(task);
        }

        return true;
    }

    /// <summary>Waits until the node holds no task (every result acknowledged).</summary>
    public Task WaitUntilEmptyAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_tasks.Count == 0)
            {
                return Task.CompletedTask;
            }

            _emptyWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _emptyWaiter.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The agent is stopping: refuse new dispatches, kill every running task (each ends with a CANCELLED result
    /// carrying <paramref name="reason"/>) and wait until their runs are over. The events stay held for sending.
    /// </summary>
    public async Task StopAllAsync(string reason)
    {
        List<Task> runs;
        lock (_lock)
        {
            _closed = true;
            runs = [.. _detachedRuns];
        }

        foreach (var task in Snapshot())
        {
            task.Runner.Stop(TaskStopReason.Cancelled, reason);
            runs.Add(task.Runner.Completion);
        }

        await Task.WhenAll(runs).ConfigureAwait(false);
    }

    /// <summary>Kills and forgets every task without reporting anything more, and waits until their runs are over.</summary>
    public async ValueTask DisposeAsync()
    {
        List<Task> runs;
        List<TrackedTask> tasks;
        TaskCompletionSource? empty;
        lock (_lock)
        {
            _closed = true;
            runs = [.. _detachedRuns];
            tasks = [.. _tasks.Values];
            _tasks.Clear();
            empty = _emptyWaiter;
            _emptyWaiter = null;
        }

        empty?.TrySetResult();

        foreach (var task in tasks)
        {
            task.Runner.Stop(TaskStopReason.Abandoned);
            task.Events.Close();
            runs.Add(task.Runner.Completion);
        }

        await Task.WhenAll(runs).ConfigureAwait(false);
    }

    private List<TrackedTask> Snapshot()
    {
        lock (_lock)
        {
            return [.. _tasks.Values];
        }
    }

    private void Abandon(TrackedTask task)
    {
        AgentLog.TaskAbandoned(_logger, task.TaskId);
        task.Runner.Stop(TaskStopReason.Abandoned);
        task.Events.Close();
        var run = task.Runner.Completion;
        lock (_lock)
        {
            if (!run.IsCompleted)
            {
                _detachedRuns.Add(run);
                _ = run.ContinueWith(
                    (completed, state) =>
                    {
                        var registry = (TaskRegistry)state!;
                        lock (registry._lock)
                        {
                            registry._detachedRuns.Remove(completed);
                        }
                    },
                    this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }

        Remove(task);
    }

    private void Forget(TrackedTask task)
    {
        if (Remove(task))
        {
            AgentLog.TaskForgotten(_logger, task.TaskId);
        }
    }

    private bool Remove(TrackedTask task)
    {
        TaskCompletionSource? empty = null;
        lock (_lock)
        {
            if (!_tasks.TryGetValue(task.TaskId, out var held) || !ReferenceEquals(held, task))
            {
                return false;
            }

            _tasks.Remove(task.TaskId);
            if (_tasks.Count == 0)
            {
                empty = _emptyWaiter;
                _emptyWaiter = null;
            }
        }

        empty?.TrySetResult();
        return true;
    }

    private async Task RunAsync(TrackedTask task)
    {
        try
        {
            await task.Runner.RunAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A bug, not a failing command (that is a FAILED result): log it once with an id to quote.
            AgentLog.TaskCrashed(_logger, ErrorId.New(), task.TaskId, ex);
        }
    }
}
