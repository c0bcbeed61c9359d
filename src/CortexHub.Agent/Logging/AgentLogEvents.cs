namespace CortexHub.Agent.Logging;

/// <summary>Event ids of the agent's log messages, in one place (2000–2099: connection, 2100–2199: tasks, 2200–: host).</summary>
internal static class AgentLogEvents
{
    public const int Connecting = 2000;
    public const int Connected = 2001;
    public const int ConnectionLost = 2002;
    public const int Drained = 2004;
    public const int Unauthenticated = 2005;
    public const int UnexpectedHubMessage = 2007;
    public const int WriteFailed = 2008;
    public const int ResumeBehindLocalAck = 2009;
    public const int AckBeyondSent = 2010;
    public const int AckForUnknownTask = 2011;

    public const int TaskDispatched = 2100;
    public const int DuplicateDispatch = 2101;
    public const int DispatchRejected = 2102;
    public const int TaskStartFailed = 2103;
    public const int TaskStarted = 2104;
    public const int TaskFinished = 2105;
    public const int TaskStopRequested = 2106;
    public const int TaskAbandoned = 2107;
    public const int TaskForgotten = 2108;
    public const int OutputReadFailed = 2109;
    public const int OutputCutAfterStop = 2110;
    public const int KillFailed = 2111;
    public const int CancelForUnknownTask = 2112;
    public const int SetsidMissing = 2113;
    public const int TaskCrashed = 2114;
    public const int SigpipeNotReset = 2115;
    public const int InvalidDispatch = 2116;
    public const int SubreaperRefused = 2117;
    public const int GroupOutlivedTask = 2118;
    public const int SurvivorFound = 2119;
    public const int SurvivorStopped = 2120;
    public const int SurvivorNotStopped = 2121;
    public const int SurvivorSignalFailed = 2122;
    public const int RunLedgerFailed = 2123;
    public const int InputForUnknownTask = 2124;
    public const int InputRefused = 2125;
    public const int InputIgnored = 2126;
    public const int InputEnded = 2127;
    public const int InputWriteFailed = 2128;
    public const int ResizeIgnored = 2129;
    public const int ResizeFailed = 2130;
    public const int TerminalHeldOpen = 2131;

    public const int AgentStarting = 2200;
    public const int AgentStopping = 2201;
    public const int ShutdownGraceExpired = 2202;
    public const int AgentCrashed = 2203;
    public const int StateDirectoryUnusable = 2204;
}
