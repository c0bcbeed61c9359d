using System.Runtime.InteropServices;

namespace CortexHub.Agent.Processes;

/// <summary>The few libc calls .NET has no API for. Constants are Linux's (x86-64 and arm64 share them).</summary>
internal static unsafe partial class LibC
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

    /// <summary>errno: interrupted by a signal.</summary>
    public const int EINTR = 4;

    /// <summary>errno: I/O error (a terminal master whose slave side is closed by everyone).</summary>
    public const int EIO = 5;

    /// <summary>errno: a non-blocking file has nothing to read, or no room to write.</summary>
    public const int EAGAIN = 11;

    /// <summary>errno: writing to a pipe nobody reads.</summary>
    public const int EPIPE = 32;

    public const int O_RDWR = 0x2;
    public const int O_NOCTTY = 0x100;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;

    public const int F_GETFL = 3;
    public const int F_SETFL = 4;
    public const int F_DUPFD_CLOEXEC = 1030;

    /// <summary>ioctl: set a terminal's window size (the kernel then sends SIGWINCH to its foreground group).</summary>
    public const nuint TIOCSWINSZ = 0x5414;

    /// <summary>ioctl: read a terminal's window size.</summary>
    public const nuint TIOCGWINSZ = 0x5413;

    public const short POLLIN = 0x1;
    public const short POLLOUT = 0x4;
    public const short POLLERR = 0x8;
    public const short POLLHUP = 0x10;
    public const short POLLNVAL = 0x20;

    /// <summary>eventfd flags (same values as O_NONBLOCK / O_CLOEXEC).</summary>
    public const int EFD_NONBLOCK = O_NONBLOCK;
    public const int EFD_CLOEXEC = O_CLOEXEC;

    /// <summary>A terminal's size as TIOCSWINSZ takes it.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct WinSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }

    /// <summary>One entry of poll(2)'s array.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>posix_openpt(3): opens a new pseudo-terminal master (/dev/ptmx).</summary>
    [LibraryImport("libc", EntryPoint = "posix_openpt", SetLastError = true)]
    public static partial int PosixOpenPt(int flags);

    [LibraryImport("libc", EntryPoint = "grantpt", SetLastError = true)]
    public static partial int GrantPt(int fd);

    [LibraryImport("libc", EntryPoint = "unlockpt", SetLastError = true)]
    public static partial int UnlockPt(int fd);

    /// <summary>ptsname_r(3): the slave's path; returns an errno (0 on success), not -1.</summary>
    [LibraryImport("libc", EntryPoint = "ptsname_r")]
    public static partial int PtsNameR(int fd, byte* buffer, nuint length);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, WinSize* size);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);
}
