using CortexHub.Agent.Tasks;
using CortexHub.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace CortexHub.Agent.Logging;

/// <summary>Log messages of the agent, source-generated. The token never appears in any of them.</summary>
internal static partial class AgentLog
{
    // ---- connection --------------------------------------------------------------------------

    [LoggerMessage(EventId = AgentLogEvents.Connecting, Level = LogLevel.Debug,
        Message = "Connecting to {Hub} as node {NodeId} ({HeldTasks} tasks held).")]
    public static partial void Connecting(ILogger logger, Uri hub, string nodeId, int heldTasks);

    [LoggerMessage(EventId = AgentLogEvents.Connected, Level = LogLevel.Information,
        Message = "Connected as node {NodeId} to silo {SiloId}; heartbeat every {Heartbeat}, {Resumed} tasks resumed.")]
    public static partial void Connected(ILogger logger, string nodeId, string siloId, TimeSpan heartbeat, int resumed);

    [LoggerMessage(EventId = AgentLogEvents.ConnectionLost, Level = LogLevel.Warning,
        Message = "Connection to the hub lost ({Detail}); reconnecting in {Delay} (ceiling {Ceiling}, welcomed {Welcomed}).")]
    public static partial void ConnectionLost(ILogger logger, string detail, TimeSpan delay, TimeSpan ceiling, bool welcomed);

    [LoggerMessage(EventId = AgentLogEvents.Drained, Level = LogLevel.Information,
        Message = "Drained ({Detail}); reconnecting now.")]
    public static partial void Drained(ILogger logger, string detail);

    [LoggerMessage(EventId = AgentLogEvents.Unauthenticated, Level = LogLevel.Critical,
        Message = "The hub rejected the token of node {NodeId} (UNAUTHENTICATED: {Detail}); exiting, since retrying with the same token cannot succeed.")]
    public static partial void Unauthenticated(ILogger logger, string nodeId, string detail);

    [LoggerMessage(EventId = AgentLogEvents.UnexpectedHubMessage, Level = LogLevel.Warning,
        Message = "Ignoring an unexpected {Kind} message from the hub.")]
    public static partial void UnexpectedHubMessage(ILogger logger, string kind);

    [LoggerMessage(EventId = AgentLogEvents.WriteFailed, Level = LogLevel.Debug,
        Message = "Writing to the hub failed: {Detail}")]
    public static partial void WriteFailed(ILogger logger, string detail);

    [LoggerMessage(EventId = AgentLogEvents.ResumeBehindLocalAck, Level = LogLevel.Warning,
        Message = "Task {TaskId}: the hub resumes after sequence {HubAcked}, but it had acknowledged up to {LocalAcked}; events in between are no longer held.")]
    public static partial void ResumeBehindLocalAck(ILogger logger, string taskId, ulong hubAcked, ulong localAcked);

    [LoggerMessage(EventId = AgentLogEvents.AckBeyondSent, Level = LogLevel.Warning,
        Message = "Task {TaskId}: the hub acknowledged sequence {Sequence}, beyond the last one published ({Last}).")]
    public static partial void AckBeyondSent(ILogger logger, string taskId, ulong sequence, ulong last);

    [LoggerMessage(EventId = AgentLogEvents.AckForUnknownTask, Level = LogLevel.Debug,
        Message = "Ack for task {TaskId} (sequence {Sequence}), which the node no longer holds.")]
    public static partial void AckForUnknownTask(ILogger logger, string taskId, ulong sequence);

    // ---- tasks -------------------------------------------------------------------------------

    [LoggerMessage(EventId = AgentLogEvents.TaskDispatched, Level = LogLevel.Information,
        Message = "Task {TaskId} dispatched (command {CommandId}, timeout {TimeoutSeconds} s).")]
    public static partial void TaskDispatched(ILogger logger, string taskId, string commandId, uint timeoutSeconds);

    [LoggerMessage(EventId = AgentLogEvents.DuplicateDispatch, Level = LogLevel.Information,
        Message = "Task {TaskId}: dispatch (command {CommandId}) acknowledged again, not started again ({Decision}).")]
    public static partial void DuplicateDispatch(ILogger logger, string taskId, string commandId, DispatchDecision decision);

    [LoggerMessage(EventId = AgentLogEvents.DispatchRejected, Level = LogLevel.Information,
        Message = "Task {TaskId}: dispatch (command {CommandId}) refused because the agent is stopping; the hub will deliver it again.")]
    public static partial void DispatchRejected(ILogger logger, string taskId, string commandId);

    [LoggerMessage(EventId = AgentLogEvents.InvalidDispatch, Level = LogLevel.Warning,
        Message = "Dispatch (command {CommandId}) names no task id: acknowledged, not run.")]
    public static partial void InvalidDispatch(ILogger logger, string commandId);

    [LoggerMessage(EventId = AgentLogEvents.TaskStartFailed, Level = LogLevel.Warning,
        Message = "Task {TaskId} could not start: {Error}")]
    public static partial void TaskStartFailed(ILogger logger, string taskId, string error);

    [LoggerMessage(EventId = AgentLogEvents.TaskStarted, Level = LogLevel.Debug,
        Message = "Task {TaskId} started as pid {Pid} (own process group: {OwnsGroup}).")]
    public static partial void TaskStarted(ILogger logger, string taskId, int pid, bool ownsGroup);

    [LoggerMessage(EventId = AgentLogEvents.TaskFinished, Level = LogLevel.Information,
        Message = "Task {TaskId} finished: {Outcome}, exit code {ExitCode}.")]
    public static partial void TaskFinished(ILogger logger, string taskId, TaskOutcome outcome, int exitCode);

    [LoggerMessage(EventId = AgentLogEvents.TaskStopRequested, Level = LogLevel.Information,
        Message = "Task {TaskId}: stopping ({Reason}).")]
    public static partial void TaskStopRequested(ILogger logger, string taskId, TaskStopReason reason);

    [LoggerMessage(EventId = AgentLogEvents.TaskAbandoned, Level = LogLevel.Warning,
        Message = "Task {TaskId} is unknown to the hub: killing it and forgetting it.")]
    public static partial void TaskAbandoned(ILogger logger, string taskId);

    [LoggerMessage(EventId = AgentLogEvents.TaskForgotten, Level = LogLevel.Debug,
        Message = "Task {TaskId}: result acknowledged, task forgotten.")]
    public static partial void TaskForgotten(ILogger logger, string taskId);

    [LoggerMessage(EventId = AgentLogEvents.OutputReadFailed, Level = LogLevel.Warning,
        Message = "Task {TaskId}: reading {Stream} failed: {Error}")]
    public static partial void OutputReadFailed(ILogger logger, string taskId, OutputStream stream, string error);

    [LoggerMessage(EventId = AgentLogEvents.OutputCutAfterStop, Level = LogLevel.Debug,
        Message = "Task {TaskId}: stopped reading {Stream} after the task was stopped.")]
    public static partial void OutputCutAfterStop(ILogger logger, string taskId, OutputStream stream);

    [LoggerMessage(EventId = AgentLogEvents.KillFailed, Level = LogLevel.Warning,
        Message = "Task {TaskId}: killing process group {Pid} failed: {Failure}")]
    public static partial void KillFailed(ILogger logger, string taskId, int pid, string failure);

    [LoggerMessage(EventId = AgentLogEvents.CancelForUnknownTask, Level = LogLevel.Information,
        Message = "Cancel (command {CommandId}) for task {TaskId}, which the node does not hold: acknowledged only.")]
    public static partial void CancelForUnknownTask(ILogger logger, string taskId, string commandId);

    [LoggerMessage(EventId = AgentLogEvents.SetsidMissing, Level = LogLevel.Warning,
        Message = "setsid is not on PATH: tasks run without their own process group, and a cancel kills only the process tree.")]
    public static partial void SetsidMissing(ILogger logger);

    [LoggerMessage(EventId = AgentLogEvents.SigpipeNotReset, Level = LogLevel.Warning,
        Message = "env --default-signal is not available: tasks inherit the agent's ignored SIGPIPE, so writers to a closed pipe see EPIPE errors instead of exiting quietly.")]
    public static partial void SigpipeNotReset(ILogger logger);

    [LoggerMessage(EventId = AgentLogEvents.SubreaperRefused, Level = LogLevel.Warning,
        Message = "Could not become a child subreaper: orphans of killed tasks are left to PID 1 to reap.")]
    public static partial void SubreaperRefused(ILogger logger);

    [LoggerMessage(EventId = AgentLogEvents.GroupOutlivedTask, Level = LogLevel.Warning,
        Message = "Task {TaskId}: process group {Pid} was killed but is not gone yet; reporting the result anyway.")]
    public static partial void GroupOutlivedTask(ILogger logger, string taskId, int pid);

    [LoggerMessage(EventId = AgentLogEvents.SurvivorFound, Level = LogLevel.Warning,
        Message = "Task {TaskId}: survivor of an earlier agent found (process group {Pid}, {Processes} live processes); stopping it before connecting.")]
    public static partial void SurvivorFound(ILogger logger, string taskId, int pid, int processes);

    [LoggerMessage(EventId = AgentLogEvents.SurvivorStopped, Level = LogLevel.Warning,
        Message = "Task {TaskId}: survivor process group {Pid} stopped after {Elapsed}.")]
    public static partial void SurvivorStopped(ILogger logger, string taskId, int pid, TimeSpan elapsed);

    [LoggerMessage(EventId = AgentLogEvents.SurvivorNotStopped, Level = LogLevel.Error,
        Message = "Task {TaskId}: survivor process group {Pid} still has {Processes} live processes after SIGKILL; it may still run beside a new run of its task.")]
    public static partial void SurvivorNotStopped(ILogger logger, string taskId, int pid, int processes);

    [LoggerMessage(EventId = AgentLogEvents.SurvivorSignalFailed, Level = LogLevel.Warning,
        Message = "Task {TaskId}: kill({Target}, {Signal}) failed with errno {Errno}.")]
    public static partial void SurvivorSignalFailed(ILogger logger, string taskId, int target, int signal, int errno);

    [LoggerMessage(EventId = AgentLogEvents.RunLedgerFailed, Level = LogLevel.Error,
        Message = "Task {TaskId}: the run ledger failed for process {Pid}: {Reason}.")]
    public static partial void RunLedgerFailed(ILogger logger, string taskId, int pid, string reason);

    [LoggerMessage(EventId = AgentLogEvents.InputForUnknownTask, Level = LogLevel.Debug,
        Message = "Input (command {CommandId}) for task {TaskId}, which the node does not hold: acknowledged, dropped.")]
    public static partial void InputForUnknownTask(ILogger logger, string taskId, string commandId);

    [LoggerMessage(EventId = AgentLogEvents.InputRefused, Level = LogLevel.Warning,
        Message = "Task {TaskId}: input at offset {Offset} ({Bytes} bytes, command {CommandId}) not taken ({Reason}; {Taken} bytes taken so far); not acknowledged, so the hub delivers it again on the next stream.")]
    public static partial void InputRefused(ILogger logger, string taskId, ulong offset, int bytes, string commandId, InputOffer reason, ulong taken);

    [LoggerMessage(EventId = AgentLogEvents.InputIgnored, Level = LogLevel.Debug,
        Message = "Task {TaskId}: input (command {CommandId}) dropped: the task takes no input, or its input is over.")]
    public static partial void InputIgnored(ILogger logger, string taskId, string commandId);

    [LoggerMessage(EventId = AgentLogEvents.InputEnded, Level = LogLevel.Debug,
        Message = "Task {TaskId}: stdin closed after {Bytes} bytes of input.")]
    public static partial void InputEnded(ILogger logger, string taskId, ulong bytes);

    [LoggerMessage(EventId = AgentLogEvents.InputWriteFailed, Level = LogLevel.Warning,
        Message = "Task {TaskId}: writing input failed: {Error}")]
    public static partial void InputWriteFailed(ILogger logger, string taskId, string error);

    [LoggerMessage(EventId = AgentLogEvents.ResizeIgnored, Level = LogLevel.Debug,
        Message = "Task {TaskId}: resize to {Columns}x{Rows} (generation {Generation}) ignored: no such terminal, finished, or not newer than the last one.")]
    public static partial void ResizeIgnored(ILogger logger, string taskId, uint columns, uint rows, ulong generation);

    [LoggerMessage(EventId = AgentLogEvents.ResizeFailed, Level = LogLevel.Warning,
        Message = "Task {TaskId}: resizing the terminal failed: {Error}")]
    public static partial void ResizeFailed(ILogger logger, string taskId, string error);

    [LoggerMessage(EventId = AgentLogEvents.TerminalHeldOpen, Level = LogLevel.Warning,
        Message = "Task {TaskId}: the session is over, but a process that left it (setsid) still holds its terminal open; stopped reading it.")]
    public static partial void TerminalHeldOpen(ILogger logger, string taskId);

    [LoggerMessage(EventId = AgentLogEvents.TaskCrashed, Level = LogLevel.Error,
        Message = "Error id {ErrorId}: the run of task {TaskId} failed unexpectedly.")]
    public static partial void TaskCrashed(ILogger logger, string errorId, string taskId, Exception exception);

    // ---- host --------------------------------------------------------------------------------

    [LoggerMessage(EventId = AgentLogEvents.AgentStarting, Level = LogLevel.Information,
        Message = "cortex-agent {Version} starting: node {NodeId}, hub {Hub}.")]
    public static partial void AgentStarting(ILogger logger, string version, string nodeId, Uri hub);

    [LoggerMessage(EventId = AgentLogEvents.AgentStopping, Level = LogLevel.Information,
        Message = "Stopping: killing {Running} running tasks.")]
    public static partial void AgentStopping(ILogger logger, int running);

    [LoggerMessage(EventId = AgentLogEvents.ShutdownGraceExpired, Level = LogLevel.Warning,
        Message = "{Held} tasks still had unacknowledged events after {Grace}; exiting anyway.")]
    public static partial void ShutdownGraceExpired(ILogger logger, int held, TimeSpan grace);

    [LoggerMessage(EventId = AgentLogEvents.StateDirectoryUnusable, Level = LogLevel.Critical,
        Message = "The agent cannot start: {Reason}.")]
    public static partial void StateDirectoryUnusable(ILogger logger, string reason);

    [LoggerMessage(EventId = AgentLogEvents.AgentCrashed, Level = LogLevel.Critical,
        Message = "Error id {ErrorId}: the agent failed unexpectedly.")]
    public static partial void AgentCrashed(ILogger logger, string errorId, Exception exception);
}
