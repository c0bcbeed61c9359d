using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CortexHub.Agent.Processes;

/// <summary>
/// Reads and writes a raw descriptor (a pseudo-terminal master, a pipe) in non-blocking mode with poll(2), so a
/// thread waiting on it can be released by <see cref="Interrupt"/> — which a blocking read(2) or write(2) would
/// not allow: a process that escaped its group may keep the other end open for ever.
/// </summary>
/// <remarks>Thread-safe: one reader and one writer may use it at once; either may be interrupted from any thread.</remarks>
internal sealed unsafe class InterruptibleFile : IDisposable
{
    /// <summary>What <see cref="Read"/> returns when interrupted.</summary>
    public const int Interrupted = -1;

    /// <summary>What <see cref="Read"/> returns when nothing came within its timeout.</summary>
    public const int TimedOut = -2;

    private readonly SafeFileHandle _file;
    private readonly SafeFileHandle _wake;
    private int _disposed;

    /// <summary>Takes ownership of <paramref name="file"/> and puts it in non-blocking mode.</summary>
    /// <exception cref="IOException">The descriptor could not be set up.</exception>
    public InterruptibleFile(SafeFileHandle file)
    {
        _file = file;
        var fd = (int)file.DangerousGetHandle();
        var flags = LibC.Fcntl(fd, LibC.F_GETFL, 0);
        if (flags < 0 || LibC.Fcntl(fd, LibC.F_SETFL, flags | LibC.O_NONBLOCK) < 0)
        {
            throw Failure("fcntl(O_NONBLOCK)");
        }

        // An eventfd that once written stays readable: every wait from then on returns at once.
        var wake = LibC.EventFd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        if (wake < 0)
        {
            throw Failure("eventfd");
        }

        _wake = new SafeFileHandle(wake, ownsHandle: true);
    }

    /// <summary>The descriptor (for ioctl calls).</summary>
    public SafeFileHandle Handle => _file;

    /// <summary>True once <see cref="Interrupt"/> was called.</summary>
    public bool IsInterrupted { get; private set; }

    /// <summary>Releases every current and future <see cref="Read"/> and <see cref="Write"/> (they return "interrupted").</summary>
    public void Interrupt()
    {
        IsInterrupted = true;
        var added = false;
        try
        {
            _wake.DangerousAddRef(ref added);
            ulong one = 1;
            LibC.Write((int)_wake.DangerousGetHandle(), (byte*)&one, sizeof(ulong));
        }
        catch (ObjectDisposedException)
        {
            // Already disposed: nobody can be waiting any more.
        }
        finally
        {
            if (added)
            {
                _wake.DangerousRelease();
            }
        }
    }

    /// <summary>Waits for bytes (at most <paramref name="timeoutMilliseconds"/>; -1: no limit) and reads them.</summary>
    /// <returns>
    /// The count read; 0 at the end (end-of-file, or EIO: a terminal nobody holds open any more);
    /// <see cref="Interrupted"/> or <see cref="TimedOut"/>.
    /// </returns>
    /// <exception cref="IOException">The read failed otherwise.</exception>
    public int Read(Span<byte> buffer, int timeoutMilliseconds = -1)
    {
        var added = false;
        _file.DangerousAddRef(ref added);
        try
        {
            var fd = (int)_file.DangerousGetHandle();
            while (true)
            {
                var ready = WaitFor(fd, LibC.POLLIN, timeoutMilliseconds);
                if (ready != 1)
                {
                    return ready == 0 ? TimedOut : Interrupted;
                }

                nint read;
                fixed (byte* bytes = buffer)
                {
                    read = LibC.Read(fd, bytes, (nuint)buffer.Length);
                }

                if (read >= 0)
                {
                    return (int)read;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.EIO)
                {
                    return 0;
                }

                if (errno is not (LibC.EAGAIN or LibC.EINTR))
                {
                    throw Failure("read", errno);
                }
            }
        }
        finally
        {
            _file.DangerousRelease();
        }
    }

    /// <summary>Writes all of <paramref name="data"/>, waiting while the other side does not read.</summary>
    /// <returns>True when written; false when interrupted or the other side is gone (EPIPE, EIO).</returns>
    /// <exception cref="IOException">The write failed otherwise.</exception>
    public bool Write(ReadOnlySpan<byte> data)
    {
        var added = false;
        _file.DangerousAddRef(ref added);
        try
        {
            var fd = (int)_file.DangerousGetHandle();
            while (!data.IsEmpty)
            {
                if (WaitFor(fd, LibC.POLLOUT, -1) != 1)
                {
                    return false;
                }

                nint written;
                fixed (byte* bytes = data)
                {
                    written = LibC.Write(fd, bytes, (nuint)data.Length);
                }

                if (written >= 0)
                {
                    data = data[(int)written..];
                    continue;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno is LibC.EPIPE or LibC.EIO)
                {
                    return false;
                }

                if (errno is not (LibC.EAGAIN or LibC.EINTR))
                {
                    throw Failure("write", errno);
                }
            }

            return true;
        }
        finally
        {
            _file.DangerousRelease();
        }
    }

    /// <summary>Interrupts waiters, then closes the descriptor (once the last of them let go of it).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Interrupt();
        _file.Dispose();
        _wake.Dispose();
    }

    /// <summary>Polls until <paramref name="fd"/> is ready for <paramref name="events"/> (or hung up).</summary>
    /// <returns>1 when ready, 0 when the timeout passed, -1 when interrupted.</returns>
    private int WaitFor(int fd, short events, int timeoutMilliseconds)
    {
        var wakeAdded = false;
        _wake.DangerousAddRef(ref wakeAdded);
        try
        {
            var fds = stackalloc LibC.PollFd[2];
            fds[0] = new LibC.PollFd { Fd = fd, Events = events };
            fds[1] = new LibC.PollFd { Fd = (int)_wake.DangerousGetHandle(), Events = LibC.POLLIN };
            while (true)
            {
                var polled = LibC.Poll(fds, 2, timeoutMilliseconds);
                if (polled == 0)
                {
                    return 0;
                }

                if (polled < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == LibC.EINTR)
                    {
                        continue;
                    }

                    throw Failure("poll", errno);
                }

                if (fds[1].Revents != 0)
                {
                    return -1;
                }

                if ((fds[0].Revents & LibC.POLLNVAL) != 0)
                {
                    throw new IOException($"poll: descriptor {fd} is not open.");
                }

                // Ready, or hung up / in error: the read or write that follows tells which.
                if (fds[0].Revents != 0)
                {
                    return 1;
                }
            }
        }
        finally
        {
            if (wakeAdded)
            {
                _wake.DangerousRelease();
            }
        }
    }

    private static IOException Failure(string call) => Failure(call, Marshal.GetLastPInvokeError());

    private static IOException Failure(string call, int errno) => new($"{call} failed with errno {errno}.");
}
