using System.Globalization;

namespace CortexHub.Agent.Processes;

/// <summary>
/// The fields of <c>/proc/&lt;pid&gt;/stat</c> the agent needs: state, parent, process group, session and start time. The
/// start time (clock ticks since boot) tells a process apart from a later one that was given the same pid.
/// </summary>
/// <param name="State">One letter: R, S, D, Z (zombie), …</param>
/// <param name="Parent">Parent pid.</param>
/// <param name="Group">Process group id.</param>
/// <param name="StartTime">Start time in clock ticks since boot.</param>
/// <param name="Session">Session id (the pid of the session's leader).</param>
internal readonly record struct ProcessStat(char State, int Parent, int Group, ulong StartTime, int Session)
{
    /// <summary>True for a zombie: dead, waiting to be reaped.</summary>
    public bool IsZombie => State == 'Z';

    /// <summary>Every process in /proc with its stat (processes that vanish while looked at are left out).</summary>
    public static IEnumerable<(int Pid, ProcessStat Stat)> All()
    {
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && TryRead(entry) is { } stat)
            {
                yield return (pid, stat);
            }
        }
    }

    /// <summary>Reads <paramref name="pid"/>'s stat; null when the process is gone (or the file is unreadable).</summary>
    public static ProcessStat? TryRead(int pid) => TryRead(Path.Combine("/proc", pid.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Reads the stat of a <c>/proc/&lt;pid&gt;</c> directory; null when the process is gone.</summary>
    public static ProcessStat? TryRead(string procEntry)
    {
        string text;
        try
        {
            text = File.ReadAllText(Path.Combine(procEntry, "stat"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // the process is gone
        }

        // "pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime
        // cstime priority nice num_threads itrealvalue starttime …": comm may hold spaces and parentheses, so
        // split after the last ')'. starttime is field 22, the 20th after comm.
        var close = text.LastIndexOf(')');
        if (close < 0 || close + 2 >= text.Length)
        {
            return null;
        }

        var fields = text.AsSpan(close + 2);
        Span<Range> parts = stackalloc Range[21];
        if (fields.Split(parts, ' ') < 20
            || !int.TryParse(fields[parts[1]], NumberStyles.None, CultureInfo.InvariantCulture, out var parent)
            || !int.TryParse(fields[parts[2]], NumberStyles.None, CultureInfo.InvariantCulture, out var group)
            || !int.TryParse(fields[parts[3]], NumberStyles.None, CultureInfo.InvariantCulture, out var session)
            || !ulong.TryParse(fields[parts[19]], NumberStyles.None, CultureInfo.InvariantCulture, out var startTime))
        {
            return null;
        }

        return new ProcessStat(fields[parts[0]][0], parent, group, startTime, session);
    }
}
