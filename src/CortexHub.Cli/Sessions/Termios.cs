using System.Runtime.InteropServices;

namespace CortexHub.Cli.Sessions;

/// <summary>
/// The libc calls behind raw mode and the window size (.NET has no raw-mode API). A <c>struct termios</c> is kept as
/// opaque bytes, large enough for every libc's layout, so only libc itself reads its fields.
/// </summary>
internal static unsafe partial class Termios
{
    /// <summary>Bytes reserved for a struct termios (glibc: 60, macOS: 72).</summary>
    public const int StructSize = 256;

    private const int TcsaNow = 0;

    public static bool IsTerminal(int fd) => IsATty(fd) == 1;

    /// <summary>The terminal's current settings, or null when <paramref name="fd"/> is not a terminal.</summary>
    public static byte[]? GetAttributes(int fd)
    {
        var settings = new byte[StructSize];
        fixed (byte* pointer = settings)
        {
            return TcGetAttr(fd, pointer) == 0 ? settings : null;
        }
    }

    /// <summary>Applies <paramref name="settings"/> now; false when libc refused (errno in the last P/Invoke error).</summary>
    public static bool SetAttributes(int fd, byte[] settings)
    {
        fixed (byte* pointer = settings)
        {
            return TcSetAttr(fd, TcsaNow, pointer) == 0;
        }
    }

    /// <summary><paramref name="settings"/> turned raw by libc's own cfmakeraw.</summary>
    public static byte[] MakeRaw(byte[] settings)
    {
        var raw = (byte[])settings.Clone();
        fixed (byte* pointer = raw)
        {
            CfMakeRaw(pointer);
        }

        return raw;
    }

    /// <summary>The window size of the terminal <paramref name="fd"/> is (TIOCGWINSZ), or null.</summary>
    public static TerminalSize? GetWindowSize(int fd)
    {
        // struct winsize { unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel; }
        var size = stackalloc ushort[4];
        nuint request = OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? 0x40087468u : 0x5413u;
        return IoCtl(fd, request, size) == 0 && size[0] > 0 && size[1] > 0 ? new TerminalSize(size[1], size[0]) : null;
    }

    [LibraryImport("libc", EntryPoint = "isatty")]
    private static partial int IsATty(int fd);

    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    private static partial int TcGetAttr(int fd, byte* termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    private static partial int TcSetAttr(int fd, int optionalActions, byte* termios);

    [LibraryImport("libc", EntryPoint = "cfmakeraw")]
    private static partial void CfMakeRaw(byte* termios);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoCtl(int fd, nuint request, ushort* argument);
}
