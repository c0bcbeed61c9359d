using System.Runtime.InteropServices;

namespace CortexHub.Agent.Processes;

/// <summary>The few libc calls .NET has no API for.</summary>
internal static partial class LibC
{
    public const int SIGKILL = 9;

    public const int SIGTERM = 15;

    /// <summary>errno: no such process (or process group).</summary>
    public const int ESRCH = 3;

    /// <summary>prctl option: orphaned descendants are re-parented to this process instead of PID 1.</summary>
    public const int PR_SET_CHILD_SUBREAPER = 36;

    /// <summary>waitpid option: return at once when the child has not exited.</summary>
    public const int WNOHANG = 1;

    /// <summary>kill(2): a negative <paramref name="pid"/> signals every process of that process group.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary>prctl(2).</summary>
    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    /// <summary>waitpid(2); <paramref name="status"/> may be zero (NULL).</summary>
    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, nint status, int options);

    /// <summary>getpgrp(2): this process's process group id.</summary>
    [LibraryImport("libc", EntryPoint = "getpgrp")]
    public static partial int GetProcessGroup();
}
