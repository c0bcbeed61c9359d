namespace CortexHub.Runtime;

/// <summary>Log event ids of the runtime, in one place so they stay unique (1xxx).</summary>
internal static class RuntimeEventIds
{
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
