using System.Globalization;
using System.Runtime.InteropServices;

namespace CortexHub.Agent.Processes;

/// <summary>
/// Makes the agent the reaper of its tasks' orphans, so killed tasks leave no zombies behind even where PID 1
/// does not reap (containers without an init, or the agent itself as PID 1).
/// </summary>
/// <remarks>
/// <para>
/// The agent becomes a child subreaper (<c>prctl(PR_SET_CHILD_SUBREAPER)</c>): when a process of a task dies, its
/// children are re-parented to the agent rather than to PID 1. The agent then reaps them with
/// <c>waitpid(pid, WNOHANG)</c> on SIGCHLD.
/// </para>
/// <para>
/// It must never reap a child the .NET <c>Process</c> class waits for (its exit status would be stolen), so it
/// reaps only zombies that are members of some other process's group: a task's shell leads its own group and is
/// left alone; the .NET children of the agent stay in the agent's group and are left alone too. A process that
/// made itself a group leader (setsid) is not reaped; it is rare, and its zombie is harmless.
/// </para>
/// </remarks>
internal static class OrphanReaper
{
    private static readonly Lock Gate = new();
    private static readonly Lazy<bool> Started = new(Start);
    private static TaskCompletionSource _childExited = NewSignal();
    private static PosixSignalRegistration? _registration;
    private static int _ownGroup;

    /// <summary>Starts reaping (once per process). False when the kernel refused the subreaper role.</summary>
    public static bool EnsureStarted() => Started.Value;

    /// <summary>
    /// Reaps the orphans of process group <paramref name="pgid"/> until the group is gone (every member dead and
    /// reaped), or <paramref name="timeout"/> passes.
    /// </summary>
    /// <returns>True when the group is gone.</returns>
    public static async Task<bool> WaitUntilGroupGoneAsync(int pgid, TimeSpan timeout, TimeProvider timeProvider)
    {
        var start = timeProvider.GetTimestamp();
        while (true)
        {
            // Taken before looking, so a SIGCHLD that arrives while looking is not missed.
            Task childExited;
            lock (Gate)
            {
                childExited = _childExited.Task;
            }

            ReapZombies(pgid);
            if (LibC.Kill(-pgid, 0) != 0 && Marshal.GetLastPInvokeError() == LibC.ESRCH)
            {
                return true;
            }

            var left = timeout - timeProvider.GetElapsedTime(start);
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            try
            {
                await childExited.WaitAsync(left, timeProvider).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return false;
            }
        }
    }

    private static bool Start()
    {
        _ownGroup = LibC.GetProcessGroup();
        var isSubreaper = LibC.Prctl(LibC.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;

        // The runtime keeps handling SIGCHLD for its own children; this only adds a look for orphans.
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGCHLD, static _ => OnChildExited());
        return isSubreaper;
    }

    private static void OnChildExited()
    {
        ReapZombies(targetGroup: null);
        TaskCompletionSource exited;
        lock (Gate)
        {
            exited = _childExited;
            _childExited = NewSignal();
        }

        exited.TrySetResult();
    }

    /// <summary>Reaps this process's zombie children that belong to a task's group (<paramref name="targetGroup"/>, or any).</summary>
    private static void ReapZombies(int? targetGroup)
    {
        var self = Environment.ProcessId;
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || ProcessStat.TryRead(entry) is not { } stat
                || !stat.IsZombie || stat.Parent != self
                || stat.Group == pid || stat.Group == _ownGroup
                || (targetGroup is { } group && stat.Group != group))
            {
                continue;
            }

            LibC.WaitPid(pid, 0, LibC.WNOHANG);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
