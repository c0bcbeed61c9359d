namespace CortexHub.Agent.Processes;

/// <summary>
/// One task process the agent started, as kept in the <see cref="RunLedger"/>: enough to find it again after the
/// agent itself was killed, and to tell it apart from an unrelated process that was later given the same pid.
/// </summary>
/// <param name="TaskId">The task the process runs.</param>
/// <param name="ProcessId">Pid of the task's shell.</param>
/// <param name="OwnsGroup">True when the shell leads its own process group (its pid is the group id).</param>
/// <param name="StartTime">The shell's start time, clock ticks since boot (<c>/proc/&lt;pid&gt;/stat</c>).</param>
/// <param name="BootId">The kernel's boot id when it started: after a reboot no record can match a live process.</param>
internal sealed record RunRecord(string TaskId, int ProcessId, bool OwnsGroup, ulong StartTime, string BootId);
