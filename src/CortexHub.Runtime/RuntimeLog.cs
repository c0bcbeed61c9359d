using Microsoft.Extensions.Logging;

namespace CortexHub.Runtime;

/// <summary>Source-generated log messages of the runtime.</summary>
internal static partial class RuntimeLog
{
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

    [LoggerMessage(RuntimeEventIds.SiloStopping, LogLevel.Information, "Silo {SiloId} stopping")]
    public static partial void SiloStopping(this ILogger logger, string siloId);

    [LoggerMessage(RuntimeEventIds.SiloStopped, LogLevel.Information, "Silo {SiloId} stopped")]
    public static partial void SiloStopped(this ILogger logger, string siloId);
}
