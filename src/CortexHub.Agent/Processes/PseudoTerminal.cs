using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace CortexHub.Agent.Processes;

/// <summary>
/// A pseudo-terminal pair from the kernel (posix_openpt on /dev/ptmx, then grantpt, unlockpt, ptsname_r): the
/// agent keeps the master; the session's process opens the slave by <see cref="SlavePath"/> as its stdin, stdout
/// and stderr (and, as a session leader, as its controlling terminal).
/// </summary>
/// <remarks>
/// Both ends are opened close-on-exec (posix_openpt takes O_CLOEXEC; openpty(3) cannot, and a task started by
/// another thread in between would inherit them and keep the terminal open). The agent also holds the slave
/// open until the session's process has exited (<see cref="CloseSlave"/>): until the process opened its own, a
/// master with no slave open would read EIO. After that, EIO on the master is the normal end: every process of
/// the session closed the terminal.
/// </remarks>
internal sealed unsafe class PseudoTerminal : IDisposable
{
    private SafeFileHandle? _slave;

    private PseudoTerminal(InterruptibleFile master, SafeFileHandle slave, string slavePath)
    {
        Master = master;
        _slave = slave;
        SlavePath = slavePath;
    }

    /// <summary>The master: read for output, write for input, resized with <see cref="Resize"/>.</summary>
    public InterruptibleFile Master { get; }

    /// <summary>The slave's path, e.g. <c>/dev/pts/3</c>.</summary>
    public string SlavePath { get; }

    /// <summary>Opens a new pair of <paramref name="columns"/> × <paramref name="rows"/>.</summary>
    /// <exception cref="IOException">The kernel refused (no pseudo-terminals, limit reached).</exception>
    public static PseudoTerminal Open(int columns, int rows)
    {
        var masterFd = LibC.PosixOpenPt(LibC.O_RDWR | LibC.O_NOCTTY | LibC.O_CLOEXEC);
        if (masterFd < 0)
        {
            throw new IOException($"posix_openpt failed with errno {Marshal.GetLastPInvokeError()}.");
        }

        var masterHandle = new SafeFileHandle(masterFd, ownsHandle: true);
        InterruptibleFile? master = null;
        try
        {
            if (LibC.GrantPt(masterFd) != 0 || LibC.UnlockPt(masterFd) != 0)
            {
                throw new IOException($"grantpt/unlockpt failed with errno {Marshal.GetLastPInvokeError()}.");
            }

            var name = stackalloc byte[256];
            var error = LibC.PtsNameR(masterFd, name, 256);
            if (error != 0)
            {
                throw new IOException($"ptsname_r failed with errno {error}.");
            }

            var path = Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name));
            var slaveFd = LibC.Open(path, LibC.O_RDWR | LibC.O_NOCTTY | LibC.O_CLOEXEC);
            if (slaveFd < 0)
            {
                throw new IOException($"open({path}) failed with errno {Marshal.GetLastPInvokeError()}.");
            }

            master = new InterruptibleFile(masterHandle);
            var terminal = new PseudoTerminal(master, new SafeFileHandle(slaveFd, ownsHandle: true), path);
            terminal.Resize(columns, rows);
            return terminal;
        }
        catch
        {
            if (master is null)
            {
                masterHandle.Dispose();
            }

            master?.Dispose();
            throw;
        }
    }

    /// <summary>Sets the terminal's size; the kernel sends SIGWINCH to its foreground process group.</summary>
    /// <exception cref="IOException">The ioctl failed.</exception>
    public void Resize(int columns, int rows)
    {
        var size = new LibC.WinSize { Columns = checked((ushort)columns), Rows = checked((ushort)rows) };
        var added = false;
        var handle = Master.Handle;
        handle.DangerousAddRef(ref added);
        try
        {
            if (LibC.Ioctl((int)handle.DangerousGetHandle(), LibC.TIOCSWINSZ, &size) != 0)
            {
                throw new IOException($"ioctl(TIOCSWINSZ) failed with errno {Marshal.GetLastPInvokeError()}.");
            }
        }
        finally
        {
            handle.DangerousRelease();
        }
    }

    /// <summary>Closes the agent's own slave descriptor, so the master reads EIO once the session's processes closed theirs.</summary>
    public void CloseSlave() => Interlocked.Exchange(ref _slave, null)?.Dispose();

    public void Dispose()
    {
        CloseSlave();
        Master.Dispose();
    }
}
