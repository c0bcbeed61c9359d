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
/// reaps only zombies that are members of some other process's session: a task's shell leads its own session and
/// is left alone; the .NET children of the agent stay in the agent's group and are left alone too. Leaders of other
/// groups within a task's session (the jobs of an interactive shell) are reaped. A process that made itself a
/// session leader (setsid) is not reaped; it is rare, and its zombie is harmless.
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
    /// Reaps the orphans of session <paramref name="sid"/> (a task's shell started with setsid) until the session is
    /// gone (every member dead and reaped), or <paramref name="timeout"/> passes.
    /// </summary>
    /// <returns>True when the session is gone.</returns>
    public static async Task<bool> WaitUntilSessionGoneAsync(int sid, TimeSpan timeout, TimeProvider timeProvider)
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

            if (!ReapZombies(sid))
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
        ReapZombies(targetSession: null);
        TaskCompletionSource exited;
        lock (Gate)
        {
            exited = _childExited;
            _childExited = NewSignal();
        }

        exited.TrySetResult();
    }

    /// <summary>
    /// Reaps this process's zombie children that belong to a task's session (<paramref name="targetSession"/>, or any).
    /// </summary>
    /// <returns>True when a member of <paramref name="targetSession"/> is still there (alive, or a zombie not reaped).</returns>
    private static bool ReapZombies(int? targetSession)
    {
        var self = Environment.ProcessId;
        var remaining = false;
        foreach (var (pid, stat) in ProcessStat.All())
        {
            if (targetSession is { } session && stat.Session != session)
            {
                continue;
            }

            var reapable = stat.IsZombie && stat.Parent == self && stat.Session != pid && stat.Group != _ownGroup;
            if (reapable && LibC.WaitPid(pid, 0, LibC.WNOHANG) == pid)
            {
                continue;
            }

            remaining |= targetSession is not null;
        }

        return remaining;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
