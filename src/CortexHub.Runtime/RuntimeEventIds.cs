namespace CortexHub.Runtime;

/// <summary>Log event ids of the runtime, in one place so they stay unique (1xxx).</summary>
internal static class RuntimeEventIds
{
    public const int WorkItemCrashed = 1001;
    public const int ConflictRetrying = 1002;
    public const int TimerFailed = 1003;
    public const int DeactivationFailed = 1004;
    public const int IdleCollected = 1005;

    public const int ReminderFailed = 1101;
    public const int ReminderLoopFailed = 1102;
    public const int ReminderTermLost = 1103;

    public const int SiloRegistered = 1201;
    public const int HeartbeatFailed = 1202;
    public const int SiloDeclaredDead = 1203;
    public const int SiloRejoined = 1204;
    public const int SiloLeft = 1205;
    public const int HeartbeatRecovered = 1206;
    public const int DeathHandlerFailed = 1207;

    public const int SiloStarting = 1301;
    public const int SiloStarted = 1302;
    public const int SiloStopping = 1303;
    public const int SiloStopped = 1304;
}
