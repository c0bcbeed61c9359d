using Microsoft.Extensions.Logging;

namespace CortexHub.Runtime;

/// <summary>Source-generated log messages of the runtime.</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(RuntimeEventIds.WorkItemCrashed, LogLevel.Critical, "A work item of grain {GrainType}/{GrainKey} escaped its own error handling")]
    public static partial void WorkItemCrashed(this ILogger logger, Exception exception, string grainType, string grainKey);

    [LoggerMessage(RuntimeEventIds.ConflictRetrying, LogLevel.Debug, "Version conflict on {GrainType}/{GrainKey} (expected {Expected}, found {Actual}); reloading for attempt {Attempt}")]
    public static partial void ConflictRetrying(this ILogger logger, string grainType, string grainKey, long expected, long actual, int attempt);

    [LoggerMessage(RuntimeEventIds.TimerFailed, LogLevel.Error, "Timer of grain {GrainType}/{GrainKey} failed")]
    public static partial void TimerFailed(this ILogger logger, Exception exception, string grainType, string grainKey);

    [LoggerMessage(RuntimeEventIds.DeactivationFailed, LogLevel.Error, "Deactivating grain {GrainType}/{GrainKey} ({Reason}) failed; storage keeps its last written version")]
    public static partial void DeactivationFailed(this ILogger logger, Exception exception, string grainType, string grainKey, DeactivationReason reason);

    [LoggerMessage(RuntimeEventIds.IdleCollected, LogLevel.Debug, "Queued deactivation of {Count} idle activations")]
    public static partial void IdleCollected(this ILogger logger, int count);

    [LoggerMessage(RuntimeEventIds.ReminderFailed, LogLevel.Error, "Reminder '{Name}' of grain {Grain} failed (error id {ErrorId}); next try at {NextDueAt:O}")]
    public static partial void ReminderFailed(this ILogger logger, Exception exception, string name, GrainId grain, string errorId, DateTimeOffset? nextDueAt);

    [LoggerMessage(RuntimeEventIds.ReminderLoopFailed, LogLevel.Warning, "Claiming due reminders failed; retrying in {Delay}")]
    public static partial void ReminderLoopFailed(this ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(RuntimeEventIds.ReminderTermLost, LogLevel.Warning, "Lease on reminder '{Name}' of grain {Grain} was lost before completion; another silo owns that due time")]
    public static partial void ReminderTermLost(this ILogger logger, string name, GrainId grain);

    [LoggerMessage(RuntimeEventIds.SiloRegistered, LogLevel.Information, "Silo {SiloId} joined the cluster table at {Address}")]
    public static partial void SiloRegistered(this ILogger logger, string siloId, string address);

    [LoggerMessage(RuntimeEventIds.HeartbeatFailed, LogLevel.Warning, "Heartbeat of silo {SiloId} failed; storage may be unreachable")]
    public static partial void HeartbeatFailed(this ILogger logger, Exception exception, string siloId);

    [LoggerMessage(RuntimeEventIds.HeartbeatRecovered, LogLevel.Information, "Heartbeat of silo {SiloId} succeeded again after {Failures} failures")]
    public static partial void HeartbeatRecovered(this ILogger logger, string siloId, int failures);

    [LoggerMessage(RuntimeEventIds.SiloDeclaredDead, LogLevel.Warning, "Silo {DeadSiloId} missed heartbeats past the TTL; declared dead and its leases released")]
    public static partial void SiloDeclaredDead(this ILogger logger, string deadSiloId);

    [LoggerMessage(RuntimeEventIds.SiloRejoined, LogLevel.Warning, "Silo {SiloId} had been declared dead by the cluster; it registered again (its old leases are gone)")]
    public static partial void SiloRejoined(this ILogger logger, string siloId);

    [LoggerMessage(RuntimeEventIds.SiloLeft, LogLevel.Information, "Silo {SiloId} left the cluster table")]
    public static partial void SiloLeft(this ILogger logger, string siloId);

    [LoggerMessage(RuntimeEventIds.DeathHandlerFailed, LogLevel.Error, "Releasing the work of dead silos {SiloIds} failed in {Handler}; their leases will expire instead")]
    public static partial void DeathHandlerFailed(this ILogger logger, Exception exception, string siloIds, string handler);

    [LoggerMessage(RuntimeEventIds.SiloStarting, LogLevel.Information, "Silo {SiloId} starting on {Backend} storage")]
    public static partial void SiloStarting(this ILogger logger, string siloId, string backend);

    [LoggerMessage(RuntimeEventIds.SiloStarted, LogLevel.Information, "Silo {SiloId} started in {ElapsedMs} ms")]
    public static partial void SiloStarted(this ILogger logger, string siloId, long elapsedMs);

    [LoggerMessage(RuntimeEventIds.SiloStopping, LogLevel.Information, "Silo {SiloId} stopping: deactivating {Activations} activations")]
    public static partial void SiloStopping(this ILogger logger, string siloId, int activations);

    [LoggerMessage(RuntimeEventIds.SiloStopped, LogLevel.Information, "Silo {SiloId} stopped")]
    public static partial void SiloStopped(this ILogger logger, string siloId);
}
