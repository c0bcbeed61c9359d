using System.Runtime.InteropServices;
using CortexHub.Agent.Logging;
using Microsoft.Extensions.Logging;

namespace CortexHub.Agent.Processes;

/// <summary>
/// Stops the task processes an earlier agent on the same state directory left running when it died without
/// stopping them (SIGKILL, OOM kill, crash). Runs before the first Hello: the hub takes a Hello that does not list
/// a task as proof that the task's run is over, fails its pool claim and offers the item again at once, so none of
/// those processes may still be running by then.
/// </summary>
/// <remarks>
/// Each survivor's process group (and each other member of its session) gets SIGTERM (a command may stop cleanly), then SIGKILL after the grace, and is
/// waited for until no live member is left. A record whose pid now names another process (a different start time)
/// is stale: the run ended and the pid was reused; it is dropped without touching that process. The kernel keeps a
/// process group's id in use while any member lives, so members whose shell already exited are still found by
/// their group id.
/// </remarks>
internal sealed class SurvivingRuns(RunLedger ledger, TimeSpan stopGrace, TimeProvider timeProvider, ILogger logger)
{
    /// <summary>How often a stopping group is looked at (it cannot be waited for: it is not our child).</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>How long SIGKILLed processes get to disappear before the agent gives up on them and logs an error.</summary>
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Stops every surviving run; returns how many were found still running.</summary>
    public async Task<int> StopAllAsync(CancellationToken cancellationToken)
    {
        var found = 0;
        foreach (var run in ledger.List())
        {
            var members = LiveMembers(run);
            if (members.Count == 0)
            {
                ledger.Remove(run);
                continue;
            }

            found++;
            AgentLog.SurvivorFound(logger, run.TaskId, run.ProcessId, members.Count);
            var started = timeProvider.GetTimestamp();
            Signal(run, LibC.SIGTERM);
            var gone = await WaitGoneAsync(run, stopGrace, cancellationToken).ConfigureAwait(false);
            if (!gone)
            {
                Signal(run, LibC.SIGKILL);
                gone = await WaitGoneAsync(run, KillTimeout, cancellationToken).ConfigureAwait(false);
            }

            if (gone)
            {
                AgentLog.SurvivorStopped(logger, run.TaskId, run.ProcessId, timeProvider.GetElapsedTime(started));
                ledger.Remove(run);
            }
            else
            {
                // Kept in the ledger: the next start tries again.
                AgentLog.SurvivorNotStopped(logger, run.TaskId, run.ProcessId, LiveMembers(run).Count);
            }
        }

        return found;
    }

    private async Task<bool> WaitGoneAsync(RunRecord run, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = timeProvider.GetTimestamp();
        while (LiveMembers(run).Count > 0)
        {
            if (timeProvider.GetElapsedTime(start) >= timeout)
            {
                return false;
            }

            await Task.Delay(PollInterval, timeProvider, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private void Signal(RunRecord run, int signal)
    {
        // A group kill reaches members whose shell already exited; without a group only the shell can be reached.
        Signal(run, run.OwnsGroup ? -run.ProcessId : run.ProcessId, signal);
        if (run.OwnsGroup)
        {
            // Members of the session in groups of their own (the jobs of an interactive shell).
            // The leader is reached by the group kill: signalled directly it could die before it set up its handlers.
            foreach (var member in LiveMembers(run).Where(pid => pid != run.ProcessId && ProcessStat.TryRead(pid) is { } stat && stat.Group != run.ProcessId))
            {
                Signal(run, member, signal);
            }
        }
    }

    private void Signal(RunRecord run, int target, int signal)
    {
        if (LibC.Kill(target, signal) != 0 && Marshal.GetLastPInvokeError() is var errno && errno != LibC.ESRCH)
        {
            AgentLog.SurvivorSignalFailed(logger, run.TaskId, target, signal, errno);
        }
    }

    /// <summary>
    /// The live (not zombie) processes of the run: its shell if it is still the same process, and, when it led a
    /// group (and, through setsid, a session), every member of that group or session. Empty when the shell's pid
    /// now names an unrelated process.
    /// </summary>
    private static List<int> LiveMembers(RunRecord run)
    {
        var leader = ProcessStat.TryRead(run.ProcessId);
        if (leader is { } stat && stat.StartTime != run.StartTime)
        {
            return []; // the pid was reused: the run is over, and its group id cannot be in use any more
        }

        var members = new List<int>();
        if (leader is { IsZombie: false })
        {
            members.Add(run.ProcessId);
        }

        if (!run.OwnsGroup)
        {
            return members;
        }

        foreach (var (pid, member) in ProcessStat.All())
        {
            if (pid != run.ProcessId && !member.IsZombie && (member.Group == run.ProcessId || member.Session == run.ProcessId))
            {
                members.Add(pid);
            }
        }

        return members;
    }
}
